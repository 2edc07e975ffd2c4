# Feature extractor that captures activations through forward hooks.
import torch.nn as nn
import torchvision


class FeatureExtractor(nn.Module):
    def __init__(self, layers=("layer2", "layer3")):
        super().__init__()
        self.backbone = torchvision.models.resnet18()
        self.features = {}
        self.handles = []
        for name in layers:
            h = getattr(self.backbone, name).register_forward_hook(self._save(name))
            self.handles.append(h)

    def _save(self, name):
        def hook(module, inp, out):
            self.features[name] = out
        return hook

    def forward(self, x):
        self.features.clear()
        self.backbone(x)
        return dict(self.features)
