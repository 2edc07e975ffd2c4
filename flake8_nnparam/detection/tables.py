"""Data the detection engine consults: which names make tensors, which classes are Modules.

Qualified names are written as PyTorch spells them publicly (``torch.zeros``,
``torch.nn.Module``); the import-alias table maps every local spelling onto them.
"""

# torch.* functions that create a new tensor from sizes, data or another tensor.
TENSOR_FACTORIES = frozenset(
    """
    zeros ones empty full rand randn randint randperm arange range linspace logspace eye
    tensor as_tensor asarray from_numpy frombuffer from_file empty_strided empty_permuted
    zeros_like ones_like empty_like full_like rand_like randn_like randint_like
    normal bernoulli multinomial poisson sparse_coo_tensor sparse_csr_tensor
    tril_indices triu_indices complex polar scalar_tensor
    hann_window hamming_window blackman_window bartlett_window kaiser_window
    """.split()
)

# torch.* functions that compute a tensor from tensors.
TENSOR_OPS = frozenset(
    """
    tril triu cat concat concatenate stack hstack vstack dstack column_stack row_stack
    exp exp2 expm1 log log2 log10 log1p sqrt rsqrt sin cos tan asin acos atan atan2 sinh cosh tanh
    sigmoid abs neg reciprocal pow square sign floor ceil round trunc frac clamp clip
    outer ger einsum where matmul mm bmm mv dot cross kron tensordot
    add sub mul div true_divide floor_divide remainder fmod maximum minimum
    sum mean prod cumsum cumprod std var norm logsumexp softmax log_softmax
    flip fliplr flipud roll rot90 transpose permute reshape flatten unflatten squeeze unsqueeze
    repeat_interleave tile broadcast_to expand_copy narrow_copy gather scatter index_select
    masked_fill diag diag_embed diagflat diagonal block_diag cartesian_prod combinations
    outer erf erfc erfinv lgamma digamma sinc hypot logaddexp
    bucketize searchsorted histc bincount argsort argmax argmin nonzero
    view_as_real view_as_complex real imag conj angle
    eq ne lt le gt ge logical_and logical_or logical_not logical_xor isnan isinf isfinite
    bitwise_and bitwise_or bitwise_not bitwise_xor
    clone detach contiguous
    meshgrid broadcast_tensors chunk split tensor_split unbind sort topk kthvalue unique
    std_mean var_mean cummax cummin atleast_1d atleast_2d atleast_3d cdist pdist
    """.split()
)

# torch.* submodules whose functions return tensors (torch.fft.rfft, torch.linalg.inv, ...).
TENSOR_OP_NAMESPACES = ("torch.fft.", "torch.linalg.", "torch.special.", "torch.nn.functional.")

# Functions of those namespaces that return something other than a tensor.
# Calls that describe where or how tensors live and hold no tensor (``torch.Size(flow.forward_shape(s))``):
# kept on self they are no state, and their arguments meet nothing.
DESCRIPTION_CALLS = frozenset({"torch.device", "torch.Size", "torch.finfo", "torch.iinfo", "torch.get_default_dtype"})
NON_TENSOR_NAMESPACE_FUNCTIONS = frozenset(
    {"torch.nn.functional.dropout_", "torch.linalg.matrix_rank_info"}
)

# Legacy typed-tensor constructors: torch.FloatTensor(3, 4) etc.
TYPED_TENSOR_CLASSES = frozenset(
    """
    Tensor FloatTensor DoubleTensor HalfTensor BFloat16Tensor
    LongTensor IntTensor ShortTensor CharTensor ByteTensor BoolTensor
    """.split()
)
INTEGRAL_TYPED_TENSOR_CLASSES = frozenset(
    "LongTensor IntTensor ShortTensor CharTensor ByteTensor BoolTensor".split()
)

TENSOR_CONSTRUCTOR_NAMES = frozenset(
    {"torch.autograd.Variable", "torch.autograd.variable.Variable", "torch.Tensor._make_subclass"}
)

# Reductions that give a 0-dim tensor when called on a whole tensor (no dim argument).
FULL_REDUCTIONS = frozenset("sum prod mean max min norm std var amax amin all any logsumexp median nansum numel".split())

# Other qualified functions that return a tensor.
TENSOR_RETURNING_FUNCTIONS = frozenset(
    {
        "torch.nn.Transformer.generate_square_subsequent_mask",
        "torch.nn.modules.transformer.Transformer.generate_square_subsequent_mask",
        "torch.nn.modules.transformer._generate_square_subsequent_mask",
    }
)

RANDOM_FACTORIES = frozenset(
    "rand randn randint randperm normal bernoulli multinomial poisson "
    "rand_like randn_like randint_like".split()
)
# Random draws shaped like a weight initialisation (a bernoulli mask or a permutation is not one).
RANDOM_INIT_FACTORIES = frozenset("rand randn normal rand_like randn_like".split())
# Factories that allocate without meaningful values: the author intends to fill them.
UNINITIALISED_FACTORIES = frozenset({"empty", "empty_like", "empty_strided", "empty_permuted"})
INTEGRAL_FACTORIES = frozenset(
    {"randint", "randperm", "tril_indices", "triu_indices", "randint_like"}
)
INTEGRAL_OPS = frozenset(
    """
    argsort argmax argmin nonzero bucketize searchsorted bincount
    eq ne lt le gt ge logical_and logical_or logical_not logical_xor isnan isinf isfinite
    """.split()
)
COMPLEX_FACTORIES = frozenset({"polar", "complex", "view_as_complex"})

INTEGRAL_DTYPES = frozenset(
    "long int64 int int32 int16 short int8 uint8 uint16 uint32 uint64 bool".split()
)
FLOAT_DTYPES = frozenset("float float16 float32 float64 bfloat16 half double".split())
COMPLEX_DTYPES = frozenset("complex32 complex64 complex128 cfloat cdouble chalf".split())
DTYPE_NAMES = INTEGRAL_DTYPES | FLOAT_DTYPES | COMPLEX_DTYPES

# Methods that compare, hash, print or pickle the module: they are not part of what it computes, and a
# comparison with another instance (self._mask == other._mask) meets that instance's plain state, not the
# device's.
NON_COMPUTING_METHODS = frozenset(
    {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__repr__", "__str__", "__format__",
     "extra_repr", "__getstate__", "__setstate__", "__reduce__", "__reduce_ex__", "__copy__", "__deepcopy__"}
)
# Logging and reporting calls (Lightning's self.log / self.log_dict, loggers, TensorBoard writers): they record
# a value, they compute nothing with it, so a CPU tensor logged beside device tensors breaks nothing.
LOGGING_METHODS = frozenset(
    {"log", "log_dict", "log_metrics", "print", "add_scalar", "add_scalars", "add_histogram", "add_text",
     "info", "debug", "warning", "save_hyperparameters"}
)
# Tensor methods whose result is not a tensor.
NON_TENSOR_METHODS = frozenset(
    """
    item tolist numpy size dim ndimension numel nelement element_size data_ptr
    is_contiguous is_floating_point is_complex is_signed is_pinned is_shared
    is_set_to equal allclose get_device storage untyped_storage storage_offset
    stride type_as_string __len__ __repr__ __str__ __bool__ __float__ __int__ __index__
    tobytes dim_order
    """.split()
)
TENSOR_ATTRIBUTES = frozenset({"T", "mT", "H", "mH", "data", "real", "imag"})
# The public methods of torch.Tensor (torch 2.13: sorted(n for n in dir(torch.Tensor) if not n.startswith("_"))).
# A call of any other method is not a tensor operation, whatever its receiver (``calculator.forward(self.t)``,
# ``self.model.encode(x, self.scale)``): its receiver is a module or an object, not an operand.
TENSOR_METHODS = frozenset(
    """
    abs abs_ absolute absolute_ acos acos_ acosh acosh_ add add_ addbmm addbmm_ addcdiv addcdiv_ addcmul
    addcmul_ addmm addmm_ addmv addmv_ addr addr_ adjoint all allclose amax amin aminmax angle any apply_ arccos
    arccos_ arccosh arccosh_ arcsin arcsin_ arcsinh arcsinh_ arctan arctan2 arctan2_ arctan_ arctanh arctanh_
    argmax argmin argsort argwhere as_strided as_strided_ as_strided_scatter as_subclass asin asin_ asinh asinh_
    atan atan2 atan2_ atan_ atanh atanh_ backward baddbmm baddbmm_ bernoulli bernoulli_ bfloat16 bincount
    bitwise_and bitwise_and_ bitwise_left_shift bitwise_left_shift_ bitwise_not bitwise_not_ bitwise_or
    bitwise_or_ bitwise_right_shift bitwise_right_shift_ bitwise_xor bitwise_xor_ bmm bool broadcast_to byte
    cauchy_ ccol_indices cdouble ceil ceil_ cfloat chalf char cholesky cholesky_inverse cholesky_solve chunk
    clamp clamp_ clamp_max clamp_max_ clamp_min clamp_min_ clip clip_ clone coalesce col_indices conj
    conj_physical conj_physical_ const_data_ptr contiguous copy_ copysign copysign_ corrcoef cos cos_ cosh cosh_
    count_nonzero cov cpu cross crow_indices cuda cummax cummin cumprod cumprod_ cumsum cumsum_ data_ptr deg2rad
    deg2rad_ dense_dim dequantize det detach detach_ diag diag_embed diagflat diagonal diagonal_scatter diff
    digamma digamma_ dim dim_order dist div div_ divide divide_ dot double dsplit eig element_size eq eq_ equal
    erf erf_ erfc erfc_ erfinv erfinv_ exp exp2 exp2_ exp_ expand expand_as expm1 expm1_ exponential_ fill_
    fill_diagonal_ fix fix_ flatten flip fliplr flipud float float_power float_power_ floor floor_ floor_divide
    floor_divide_ fmax fmin fmod fmod_ frac frac_ frexp gather gcd gcd_ ge ge_ geometric_ geqrf ger get_device
    greater greater_ greater_equal greater_equal_ gt gt_ half hardshrink hash_tensor heaviside heaviside_ histc
    histogram hsplit hypot hypot_ i0 i0_ igamma igamma_ igammac igammac_ index index_add index_add_ index_copy
    index_copy_ index_fill index_fill_ index_put index_put_ index_reduce index_reduce_ index_select indices
    inner int int_repr inverse ipu is_coalesced is_complex is_conj is_contiguous is_distributed
    is_floating_point is_inference is_neg is_nonzero is_pinned is_same_size is_set_to is_shared is_signed
    isclose isfinite isinf isnan isneginf isposinf isreal istft item kron kthvalue lcm lcm_ ldexp ldexp_ le le_
    lerp lerp_ less less_ less_equal less_equal_ lgamma lgamma_ log log10 log10_ log1p log1p_ log2 log2_ log_
    log_normal_ log_softmax logaddexp logaddexp2 logcumsumexp logdet logical_and logical_and_ logical_not
    logical_not_ logical_or logical_or_ logical_xor logical_xor_ logit logit_ logsumexp long lstsq lt lt_ lu
    lu_solve map2_ map_ masked_fill masked_fill_ masked_scatter masked_scatter_ masked_select matmul matrix_exp
    matrix_power max maximum mean median min minimum mm mode module_load moveaxis movedim msort mtia mul mul_
    multinomial multiply multiply_ mv mvlgamma mvlgamma_ nan_to_num nan_to_num_ nanmean nanmedian nanquantile
    nansum narrow narrow_copy ndimension ne ne_ neg neg_ negative negative_ nelement new new_empty
    new_empty_strided new_full new_ones new_tensor new_zeros nextafter nextafter_ nonzero nonzero_static norm
    normal_ not_equal not_equal_ numel numpy orgqr ormqr outer permute pin_memory pinverse polygamma polygamma_
    positive pow pow_ prelu prod put put_ q_per_channel_axis q_per_channel_scales q_per_channel_zero_points
    q_scale q_zero_point qr qscheme quantile rad2deg rad2deg_ random_ ravel reciprocal reciprocal_ record_stream
    register_hook register_post_accumulate_grad_hook reinforce relu relu_ remainder remainder_ renorm renorm_
    repeat repeat_interleave requires_grad_ reshape reshape_as resize resize_ resize_as resize_as_
    resize_as_sparse_ resolve_conj resolve_neg retain_grad roll rot90 round round_ row_indices rsqrt rsqrt_
    scatter scatter_ scatter_add scatter_add_ scatter_reduce scatter_reduce_ select select_scatter set_ sgn sgn_
    share_memory_ short sigmoid sigmoid_ sign sign_ signbit sin sin_ sinc sinc_ sinh sinh_ size slice_inverse
    slice_scatter slogdet smm softmax solve sort sparse_dim sparse_mask sparse_resize_ sparse_resize_and_clear_
    split split_with_sizes sqrt sqrt_ square square_ squeeze squeeze_ sspaddmm std stft storage storage_offset
    storage_type stride sub sub_ subtract subtract_ sum sum_to_size svd swapaxes swapaxes_ swapdims swapdims_
    symeig t t_ take take_along_dim tan tan_ tanh tanh_ tensor_split tile to to_dense to_mkldnn to_padded_tensor
    to_sparse to_sparse_bsc to_sparse_bsr to_sparse_coo to_sparse_csc to_sparse_csr tolist topk trace transpose
    transpose_ triangular_solve tril tril_ triu triu_ true_divide true_divide_ trunc trunc_ type type_as unbind
    unflatten unfold uniform_ unique unique_consecutive unsafe_chunk unsafe_split unsafe_split_with_sizes
    unsqueeze unsqueeze_ untyped_storage values var vdot view view_as vsplit where xlogy xlogy_ xpu zero_
    """.split()
)
# Methods that, called without arguments, only a torch.Tensor has (not numpy arrays, numbers or lists;
# not nn.Module, whose .float()/.cuda() return the module; not TensorDict, which has .detach(),
# .contiguous() and .clone() too, nor metric collections; not torch_sparse's SparseTensor, which has
# .t(), .to_dense() and .coalesce()), each returning a plain tensor: ``adj.to_sparse()``.
TENSOR_ONLY_METHODS = frozenset("to_sparse to_sparse_csr to_sparse_coo".split())
INTEGRAL_METHODS = frozenset("long int short char byte bool".split())
FLOAT_METHODS = frozenset("float double half bfloat16".split())
COMPLEX_METHODS = frozenset({"cfloat", "cdouble"})
# In-place initialisers: a tensor filled with these is a weight someone means to learn.
INIT_METHODS = frozenset(
    "normal_ uniform_ kaiming_uniform_ kaiming_normal_ xavier_uniform_ xavier_normal_ "
    "trunc_normal_ orthogonal_ random_".split()
)

# In-place methods that overwrite the whole value without reading it: a tensor refilled this way each call is
# scratch space, not state that accumulates (and that a checkpoint must hold).
OVERWRITING_METHODS = frozenset({
    "uniform_", "normal_", "bernoulli_", "random_", "exponential_", "geometric_", "cauchy_", "log_normal_",
    "fill_", "zero_", "resize_", "resize_as_",  # a resize keeps no content worth saving: a fill follows
})
# In-place methods that fill a tensor with a random draw.
RANDOM_FILL_METHODS = frozenset(
    "uniform_ normal_ bernoulli_ random_ exponential_ geometric_ cauchy_ log_normal_".split()
)
# Methods that give a 0-dim tensor a dimension (shape [1] or more).
DIMENSION_ADDING_METHODS = frozenset(
    {"unsqueeze", "view", "reshape", "expand", "expand_as", "view_as", "reshape_as", "broadcast_to", "repeat", "tile",
     "atleast_1d", "atleast_2d", "flatten"}
)
# Methods (and functions) that make a tensor follow the module's device or dtype.
DEVICE_METHODS = frozenset({"to", "cuda", "cpu", "type_as", "type", "npu", "xpu", "mps"})

# Registering a state-dict hook (self.register_state_dict_pre_hook(self._hook), ...): the hook method handles
# what it touches, like an override of state_dict() would.
STATE_DICT_HOOK_REGISTRATIONS = frozenset(
    {"register_state_dict_pre_hook", "register_state_dict_post_hook", "_register_state_dict_hook",
     "register_load_state_dict_pre_hook", "_register_load_state_dict_pre_hook", "register_load_state_dict_post_hook"}
)
# Methods that mean the class manages its own device and state handling.
SELF_MANAGED_METHODS = frozenset(
    {
        "_apply", "to", "cuda", "_save_to_state_dict", "_load_from_state_dict", "state_dict", "load_state_dict",
        "named_buffers", "named_parameters", "get_extra_state", "set_extra_state",
    }
)

# Classes and wrappers that register what they hold.
PARAMETER_CLASSES = frozenset(
    {
        "torch.nn.Parameter",
        "torch.nn.parameter.Parameter",
        "torch.nn.UninitializedParameter",
        "torch.nn.parameter.UninitializedParameter",
    }
)
BUFFER_CLASSES = frozenset(
    {
        "torch.nn.Buffer",
        "torch.nn.parameter.Buffer",
        "torch.nn.UninitializedBuffer",
        "torch.nn.parameter.UninitializedBuffer",
    }
)
REGISTERING_CONTAINERS = frozenset(
    {"ModuleList", "ModuleDict", "Sequential", "ParameterList", "ParameterDict"}
)

# torch.nn names that are not Module classes.
NN_NON_MODULE_NAMES = frozenset(
    {"Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer"}
)
# Namespaces of PyTorch libraries whose CapWords classes are nn.Modules (layers, transforms, models); a plain
# list of them is missed by .to() and state_dict() like one of torch.nn layers.
LIBRARY_LAYER_NAMESPACES = (
    "torch_geometric.nn.",
    "dgl.nn.pytorch.",
    "torchaudio.transforms.",
    "torchaudio.models.",
    "torchvision.ops.",
    "torchvision.models.",
    "timm.layers.",
    "timm.models.",
    "einops.layers.torch.",
)
LIBRARY_NON_LAYER_SUFFIXES = ("Output", "Outputs", "Config", "Weights", "WeightsEnum", "Enum", "Format", "Type", "Args")
NN_NON_MODULE_NAMESPACES = (
    "torch.nn.init.",
    "torch.nn.functional.",
    "torch.nn.utils.",
    "torch.nn.parameter.",
    "torch.nn.attention.",
)
# Prefixes under which every CapWords class is a torch.nn.Module.
MODULE_NAMESPACES = (
    "torch.nn.",
    "torch.ao.nn.",
    "torch.nn.quantized.",
    "torch.nn.intrinsic.",
    "torch.nn.qat.",
)
# Framework base classes known to be Modules.
# Module bases whose ``device`` is a property: where the module's parameters are now (the CPU while
# ``__init__`` runs), which follows ``.to()``; read at construction it is no device the class was told to use.
DEVICE_PROPERTY_BASES = frozenset(
    """
    lightning.LightningModule lightning.pytorch.LightningModule lightning.pytorch.core.LightningModule
    lightning.pytorch.core.module.LightningModule pytorch_lightning.LightningModule
    pytorch_lightning.core.LightningModule pytorch_lightning.core.lightning.LightningModule
    pytorch_lightning.core.module.LightningModule transformers.PreTrainedModel
    transformers.modeling_utils.PreTrainedModel diffusers.ModelMixin diffusers.models.modeling_utils.ModelMixin
    """.split()
)
KNOWN_MODULE_BASES = frozenset(
    {
        "torch.nn.Module",
        "torch.nn.modules.module.Module",
        "torch.jit.ScriptModule",
        "torch.nn.modules.loss._Loss",
        "torch.nn.modules.loss._WeightedLoss",
        "torch.nn.modules.conv._ConvNd",
        "torch.nn.modules.batchnorm._BatchNorm",
        "torch.nn.modules.batchnorm._NormBase",
        "lightning.LightningModule",
        "lightning.pytorch.LightningModule",
        "lightning.pytorch.core.LightningModule",
        "lightning.pytorch.core.module.LightningModule",
        "pytorch_lightning.LightningModule",
        "pytorch_lightning.core.LightningModule",
        "pytorch_lightning.core.lightning.LightningModule",
        "pytorch_lightning.core.module.LightningModule",
        "transformers.PreTrainedModel",
        "transformers.modeling_utils.PreTrainedModel",
        "diffusers.ModelMixin",
        "diffusers.models.modeling_utils.ModelMixin",
        "timm.layers.Module",
        "torch_geometric.nn.MessagePassing",
        "torch_geometric.nn.conv.MessagePassing",
        # OpenMMLab (mmdet, mmseg, mmpose, ... and the libraries built on them): BaseModule is an nn.Module
        # with init_cfg; BaseModel adds a data preprocessor
        "mmcv.runner.BaseModule",
        "mmcv.runner.base_module.BaseModule",
        "mmengine.model.BaseModule",
        "mmengine.model.base_module.BaseModule",
        "mmengine.model.BaseModel",
        "mmengine.model.base_model.BaseModel",
        "mmengine.model.base_model.base_model.BaseModel",
    }
)
# Attributes that torch.nn layers register in their own __init__; a subclass may rebind them.
LAYER_REGISTERED_ATTRIBUTE_PREFIXES = (
    "weight",
    "bias",
    "running_",
    "num_batches_tracked",
    "in_proj_",
    "q_proj_",
    "k_proj_",
    "v_proj_",
)

# Attributes frameworks read as plain tensors on purpose (Lightning's sample input for summaries).
FRAMEWORK_PLAIN_ATTRIBUTES = frozenset({"example_input_array"})

# Calls on self that register a name: register_buffer("x", t), add_module("x", m), ...
REGISTRATION_METHODS = frozenset(
    {"register_buffer", "register_parameter", "add_module", "register_module"}
)
# Container methods that add elements.
CONTAINER_FILL_METHODS = frozenset({"append", "extend", "insert", "update", "setdefault"})

# Attribute names that say "this is a weight".
WEIGHT_NAME_HINTS = ("weight", "bias", "kernel", "codebook", "token", "emb", "gamma", "beta", "query", "latent")
# Functions that use a tensor argument as a weight: F.linear(x, self.w), torch.matmul(x, self.w).
WEIGHT_USES = frozenset(
    """
    torch.nn.functional.linear torch.nn.functional.bilinear torch.nn.functional.conv1d
    torch.nn.functional.conv2d torch.nn.functional.conv3d torch.nn.functional.conv_transpose1d
    torch.nn.functional.conv_transpose2d torch.nn.functional.embedding torch.nn.functional.layer_norm
    torch.nn.functional.group_norm torch.nn.functional.prelu torch.matmul torch.mm torch.bmm torch.addmm
    """.split()
)

# Functions and tensor methods that raise when their floating-point operands differ in dtype (float32 with
# float64 or float16) instead of promoting, checked with torch 2.13: a tensor moved to the input's device but
# not cast (``.to(x.device)``, ``.cuda()``) breaks there after ``model.double()`` / ``.half()``.
DTYPE_STRICT_CALLS = frozenset(
    """
    matmul mm bmm mv dot inner tensordot einsum addmm addmv addbmm baddbmm linear bilinear conv1d conv2d
    conv3d conv_transpose1d conv_transpose2d conv_transpose3d grid_sample lerp layer_norm group_norm
    batch_norm cdist prelu
    """.split()
)  # not the index-taking ones (index_add, scatter_add, embedding): an operand there may be an index

# Functions whose argument at (position, keyword) is a size, not an operand: a one-element tensor there is read
# as a Python int (``__index__``) whatever its device, ``F.pad(x, (0, self.max_len - x.size(-1)))``.
SIZE_ARGUMENTS = {
    "torch.nn.functional.pad": ((1, "pad"),),
    "torch.nn.functional.interpolate": ((1, "size"),),
    "torch.split": ((1, "split_size_or_sections"),),
    "torch.chunk": ((1, "chunks"),),
    "torch.stft": ((1, "n_fft"),),
    "torch.istft": ((1, "n_fft"),),
    # the integer range of fake quantization (a 0-dim or one-element tensor there is read as an int)
    "torch.fake_quantize_per_tensor_affine": ((3, "quant_min"), (4, "quant_max")),
    "torch.fake_quantize_per_channel_affine": ((3, "axis"), (4, "quant_min"), (5, "quant_max")),
}
# Type names as isinstance() spells them: a branch on the type of a value whose kind is known runs or not.
NUMBER_TYPES = frozenset(
    "int float bool complex Number Real Integral numbers.Number numbers.Real numbers.Integral".split()
)
TENSOR_TYPES = frozenset("torch.Tensor Tensor torch.FloatTensor torch.LongTensor torch.nn.Parameter nn.Parameter".split())
TENSOR_CLASS_NAMES = frozenset(  # torch's tensor classes, as an annotation names them
    "Tensor FloatTensor DoubleTensor HalfTensor BFloat16Tensor ByteTensor CharTensor ShortTensor IntTensor LongTensor "
    "BoolTensor".split()
)
PLAIN_TENSOR_TYPES = frozenset({"torch.Tensor", "Tensor"})  # what every tensor is an instance of
OTHER_TYPES = frozenset(
    """
    str bytes list tuple dict set np.ndarray numpy.ndarray ndarray nn.Module torch.nn.Module Sequence Mapping
    abc.Sequence abc.Mapping collections.abc.Sequence collections.abc.Mapping
    """.split()
)
# The type names an isinstance test of a list, tuple or dict value is true for (typing's aliases included).
_SEQUENCE_TYPES = frozenset(
    "Sequence abc.Sequence collections.abc.Sequence typing.Sequence Iterable typing.Iterable collections.abc.Iterable".split()
)
CONTAINER_TYPES = {
    "list": frozenset({"list", "List", "typing.List"}) | _SEQUENCE_TYPES,
    "tuple": frozenset({"tuple", "Tuple", "typing.Tuple"}) | _SEQUENCE_TYPES,
    "dict": frozenset("dict Dict typing.Dict Mapping typing.Mapping abc.Mapping collections.abc.Mapping".split()),
}
# Methods a trainer or caller runs per batch or call with the inputs (what forward's arguments are).
FORWARD_METHODS = frozenset({"forward", "__call__", "training_step", "validation_step", "test_step", "predict_step"})
# Keywords that take a number in every torch API (a size, a count, a dimension): never a tensor operand.
NUMBER_KEYWORDS = ("n_fft", "hop_length", "win_length", "dim", "kernel_size", "stride", "dilation", "groups", "num_classes")

# Text that must appear in a file for it to hold a finding (the cheap prefilter).
PREFILTER_MARKERS = ("torch", "lightning", "Module")

# torch.nn modules without Parameters or buffers: a plain list of them loses nothing.
STATELESS_MODULES = frozenset(
    """
    Identity ReLU ReLU6 LeakyReLU ELU SELU CELU GELU SiLU Mish Sigmoid Tanh Softmax LogSoftmax Softmin
    Softmax2d Softplus Softsign Hardtanh Hardswish Hardsigmoid Tanhshrink Softshrink Hardshrink Threshold
    LogSigmoid GLU Flatten Unflatten MaxPool1d MaxPool2d MaxPool3d AvgPool1d AvgPool2d AvgPool3d
    AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d AdaptiveMaxPool1d AdaptiveMaxPool2d
    AdaptiveMaxPool3d LPPool1d LPPool2d LPPool3d MaxUnpool1d MaxUnpool2d MaxUnpool3d Upsample
    UpsamplingNearest2d UpsamplingBilinear2d PixelShuffle PixelUnshuffle ChannelShuffle ZeroPad1d ZeroPad2d
    ZeroPad3d ConstantPad1d ConstantPad2d ConstantPad3d ReflectionPad1d ReflectionPad2d ReflectionPad3d
    ReplicationPad1d ReplicationPad2d ReplicationPad3d CircularPad1d CircularPad2d CircularPad3d
    CosineSimilarity PairwiseDistance Fold Unfold
    L1Loss MSELoss SmoothL1Loss HuberLoss KLDivLoss BCELoss BCEWithLogitsLoss CrossEntropyLoss NLLLoss
    CTCLoss PoissonNLLLoss GaussianNLLLoss HingeEmbeddingLoss MarginRankingLoss MultiLabelMarginLoss
    MultiLabelSoftMarginLoss MultiMarginLoss SoftMarginLoss TripletMarginLoss TripletMarginWithDistanceLoss
    CosineEmbeddingLoss
    Rearrange Reduce
    """.split()  # the last line: einops.layers.torch's parameter-free layers
)
# Losses that register a weight buffer when given one (``weight=``, ``pos_weight=``).
WEIGHTED_LOSS_KEYWORDS = frozenset({"weight", "pos_weight"})
# The torch losses whose ``weight=`` / ``pos_weight=`` is a tensor (or None), never a number: what a class
# hands there is a tensor whatever its constructor argument's annotation says (issue 9: "used as a tensor").
WEIGHTED_LOSSES = frozenset(
    [f"torch.nn.{name}" for name in "CrossEntropyLoss NLLLoss BCELoss BCEWithLogitsLoss MultiLabelSoftMarginLoss "
     "MultiMarginLoss".split()]
    + [f"torch.nn.functional.{name}" for name in "cross_entropy nll_loss binary_cross_entropy "
       "binary_cross_entropy_with_logits multilabel_soft_margin_loss multi_margin_loss".split()]
)
# Modules without state whose behaviour train()/eval() switches: a plain list keeps them training.
MODE_MODULES = frozenset("Dropout Dropout1d Dropout2d Dropout3d AlphaDropout FeatureAlphaDropout RReLU".split())
LIBRARY_MODE_MODULES = frozenset({"DropPath", "StochasticDepth"})  # timm.layers, torchvision.ops: a mode, no state
# torch.nn layers whose weights are drawn at random when made, and batch norms (weights and a train/eval mode):
# made anew at each call, they never learn (MPR009).
RANDOM_WEIGHT_MODULES = frozenset(
    """
    Linear Bilinear Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d ConvTranspose3d Embedding EmbeddingBag
    RNN LSTM GRU RNNCell LSTMCell GRUCell MultiheadAttention Transformer TransformerEncoderLayer
    TransformerDecoderLayer
    """.split()
)
BATCH_NORM_MODULES = frozenset("BatchNorm1d BatchNorm2d BatchNorm3d SyncBatchNorm".split())
# Layers whose weights start at fixed values (ones, zeros, 0.25) and are meant to be learned: LayerNorm's affine
# weights, PReLU's slope. With the keyword that turns them off (elementwise_affine=False), they hold nothing.
AFFINE_MODULES = {"LayerNorm": "elementwise_affine", "GroupNorm": "affine", "RMSNorm": "elementwise_affine", "PReLU": ""}
# Module methods that return the module itself: nn.Linear(a, b).to(device) is still a module.
MODULE_SELF_METHODS = frozenset("to cuda cpu eval train float double half bfloat16 requires_grad_ type share_memory".split())
# Registrations of a forward or backward hook on a module: the hook receives the module first.
MODULE_HOOK_REGISTRATIONS = frozenset(
    "register_forward_hook register_forward_pre_hook register_full_backward_hook register_backward_hook "
    "register_full_backward_pre_hook".split()
)
# Factories of 1-D tensors: indexing one with an integer gives a 0-dim value.
ONE_DIM_FACTORIES = frozenset(
    "arange linspace logspace randperm cumprod cumsum hann_window hamming_window blackman_window bartlett_window "
    "kaiser_window".split()
)

# torch.distributions (and Pyro's, which subclass them): a distribution object keeps the tensors it is
# built from. Classes of these namespaces that are no distribution:
DISTRIBUTION_NAMESPACES = ("torch.distributions.", "pyro.distributions.")
NON_DISTRIBUTION_CLASSES = frozenset({"Distribution", "ExponentialFamily", "TorchDistribution", "TorchDistributionMixin"})


# Attributes nn.Module itself defines (torch 2.13, dir(nn.Module)): a registered Parameter, buffer or
# sub-module under one of these names is shadowed by the method, or registering it raises.
MODULE_ATTRIBUTES = frozenset(
    "T_destination add_module apply bfloat16 buffers call_super_init children compile cpu cuda double "
    "dump_patches eval extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half ipu "
    "load_state_dict modules mtia named_buffers named_children named_modules named_parameters parameters "
    "register_backward_hook register_buffer register_forward_hook register_forward_pre_hook "
    "register_full_backward_hook register_full_backward_pre_hook register_load_state_dict_post_hook "
    "register_load_state_dict_pre_hook register_module register_parameter register_state_dict_post_hook "
    "register_state_dict_pre_hook requires_grad_ set_extra_state set_submodule share_memory state_dict to "
    "to_empty train type xpu zero_grad training".split()
)
