"""The real flake8, in a subprocess, with the plugin loaded through its entry point."""

import subprocess
import sys
import textwrap

import pytest

from .conftest import FIXTURES, run_flake8

BUGGY = textwrap.dedent(
    """\
    import torch
    from torch import nn


    class M(nn.Module):
        def __init__(self, n=3):
            super().__init__()
            self.mask = torch.tril(torch.ones(n, n))
            self.scale = torch.tensor(2.0)
            self.layers = [nn.Linear(n, n)]

        def forward(self, x):
            return self.layers[0](x.masked_fill(self.mask == 0, 0.0)) * self.scale
    """
)


def flake8(*args, cwd=None, stdin=None):
    proc = run_flake8(*args, cwd=cwd, input=stdin)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def codes(output):
    return [line.split(": ", 1)[1].split(" ", 1)[0] for line in output.splitlines() if ": " in line]


@pytest.fixture
def buggy(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(BUGGY)
    return path


def test_plugin_is_registered():
    proc = flake8("--version")
    assert "flake8-nnparam" in proc.stdout


def test_reports_codes_positions_and_exit_status(buggy):
    proc = flake8("--select", "MPR", str(buggy))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"{buggy}:8:9: MPR002 self.mask ")
    assert lines[1].startswith(f"{buggy}:10:9: MPR003 self.layers ")
    assert len(lines) == 2  # MPR902 (0-dim scalar) is off by default, even under --select MPR


def test_default_selection_includes_core_codes_and_hides_default_off(buggy):
    found = codes(flake8(str(buggy)).stdout)
    assert "MPR002" in found and "MPR003" in found
    assert "MPR902" not in found


@pytest.mark.parametrize("flag", ["--extend-select=MPR9", "--extend-select=MPR902", "--select=MPR0,MPR9"])
def test_default_off_codes_on_request(buggy, flag):
    assert "MPR902" in codes(flake8(flag, str(buggy)).stdout)


def test_select_other_codes_hides_plugin(buggy):
    assert flake8("--select", "E", str(buggy)).stdout == ""


def test_ignore_by_code_and_prefix(buggy):
    assert codes(flake8("--select", "MPR", "--ignore", "MPR002", str(buggy)).stdout) == ["MPR003"]
    assert codes(flake8("--extend-ignore", "MPR", str(buggy)).stdout) == []


def test_mpr_entry_matching_no_code_warns_once_on_stderr(buggy, tmp_path):
    proc = flake8("--select", "MPR01,E9", "--extend-ignore", "MPR8", "-j", "2", str(buggy), str(buggy.parent))
    assert proc.returncode == 0 and proc.stdout == ""  # what a typo does: checks nothing and passes
    (warning,) = proc.stderr.splitlines()
    assert warning.startswith("flake8-nnparam: warning: 'MPR01' (select), 'MPR8' (extend-ignore) match no")
    assert "MPR001" in warning and "MPR999" in warning
    (tmp_path / "setup.cfg").write_text("[flake8]\nextend-select = MPR0O1\n")  # letter O for zero, in the config
    proc = flake8(str(buggy), cwd=tmp_path)
    assert "'MPR0O1' (extend-select) matches no" in proc.stderr and proc.returncode == 1


@pytest.mark.parametrize("args", [("--select", "MPR,E,W"), ("--select", "M,MP,MPR0,MPR90"), ("--select", "E501,XYZ1,C90"),
                                  ("--extend-ignore", "MPR9,MPR002"), ()])
def test_known_codes_and_other_plugins_codes_do_not_warn(buggy, args):
    assert flake8(*args, str(buggy)).stderr == ""


def test_noqa(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(
        BUGGY.replace("torch.ones(n, n))", "torch.ones(n, n))  # noqa: MPR002").replace(
            "[nn.Linear(n, n)]", "[nn.Linear(n, n)]  # noqa: E501"
        )
    )
    assert codes(flake8("--select", "MPR", str(path)).stdout) == ["MPR003"]


def test_stdin_with_display_name():
    proc = flake8("--select", "MPR", "-", "--stdin-display-name", "pkg/model.py", stdin=BUGGY)
    assert proc.stdout.startswith("pkg/model.py:8:9: MPR002")


def test_libcst_rejected_and_broken_files_do_not_abort_the_run(tmp_path, buggy):
    # Valid Python that libcst refuses to parse, and a syntax error, next to a real finding.
    (tmp_path / "libcst_rejects.py").write_text("import torch\nx = () if 0 else(lambda:())\n")
    (tmp_path / "broken.py").write_text("import torch\nclass M(nn.Module:\n")
    proc = flake8("--select", "MPR,E999", str(tmp_path))
    assert "MPR002" in proc.stdout
    assert "E999" in proc.stdout


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_crlf_and_bom(tmp_path, newline):
    path = tmp_path / "m.py"
    path.write_bytes(b"\xef\xbb\xbf" + BUGGY.replace("\n", newline).encode())
    assert codes(flake8("--select", "MPR", str(path)).stdout) == ["MPR002", "MPR003"]


def test_deep_nesting_does_not_crash(tmp_path):
    path = tmp_path / "deep.py"
    expr = "(" * 90 + "torch.zeros(3)" + ")" * 90
    path.write_text(BUGGY.replace("torch.tril(torch.ones(n, n))", expr))
    proc = flake8("--select", "MPR", str(path))
    assert proc.returncode in (0, 1)


def test_module_bases_option(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(
        "import torch\nfrom my_pkg.layers import BaseBlock\n\n\n"
        "class Block(BaseBlock):\n    def __init__(self):\n        super().__init__()\n"
        "        self.t = torch.ones(3)\n"
        "    def forward(self, x):\n        return x + self.t\n"
    )
    assert codes(flake8("--select", "MPR", str(path)).stdout) == []
    found = codes(flake8("--select", "MPR", "--nnparam-module-bases", "my_pkg.layers.BaseBlock", str(path)).stdout)
    assert found == ["MPR002"]


def test_module_bases_from_config(tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\nnnparam-module-bases = BaseBlock, other.Base\n")
    (tmp_path / "m.py").write_text(
        "import torch\nfrom my_pkg.layers import BaseBlock\n\n\n"
        "class Block(BaseBlock):\n    def __init__(self):\n        super().__init__()\n"
        "        self.t = torch.ones(3)\n"
        "    def forward(self, x):\n        return x + self.t\n"
    )
    assert codes(flake8("--select", "MPR", "m.py", cwd=tmp_path).stdout) == ["MPR002"]


def test_parallel_mode_matches_serial():
    serial = flake8("--select", "MPR,MPR9", "-j", "1", str(FIXTURES)).stdout
    parallel = flake8("--select", "MPR,MPR9", "-j", "2", str(FIXTURES)).stdout
    assert serial and sorted(serial.splitlines()) == sorted(parallel.splitlines())


def test_plugin_does_not_import_torch_or_libcst():
    code = (
        "import sys, flake8_nnparam.plugin as p; "
        "assert 'torch' not in sys.modules and 'libcst' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_test_model_the_test_never_moves_is_quiet_in_flake8_and_the_command(tmp_path):
    """The plugin (a file on disk, and stdin with a display name) and the command tell test code by its path."""
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_model.py").write_text(BUGGY + "\n\ndef test_model():\n    M()(torch.ones(3, 3))\n")
    (tmp_path / "model.py").write_text(BUGGY)
    out = flake8("--select", "MPR", ".", cwd=tmp_path).stdout
    assert sorted(line.split(":")[0] for line in out.splitlines()) == ["./model.py"] * 2, out  # MPR002, MPR003
    out = flake8("--select", "MPR", "-", "--stdin-display-name", "tests/test_model.py",
                 stdin=BUGGY + "\n\ndef test_model():\n    M()(torch.ones(3, 3))\n").stdout
    assert out == "", out
    out = flake8("--select", "MPR", "-", "--stdin-display-name", "tests/test_model.py",
                 stdin=BUGGY + "\n\ndef test_model():\n    M().cuda()(torch.ones(3, 3))\n").stdout
    assert codes(out) == ["MPR002", "MPR003"], out  # the 0-dim scale is no finding either way
    command = subprocess.run([sys.executable, "-m", "flake8_nnparam", "--no-cache", "."], cwd=tmp_path,
                             capture_output=True, text=True)
    assert sorted({line.split(":")[0] for line in command.stdout.splitlines()}) == ["./model.py"], command.stdout
