# Modelled on a microscopy U-Net library: layers kept in plain lists for indexing and registered one by one by
# a helper of the class (add_module per element). Wrapping the lists in nn.ModuleList would save every
# weight under a second key and break loading of released checkpoints.
from torch import nn


class ConvBlock2D(nn.Module):
    def __init__(self, in_filters, out_filters, layers=2):
        super().__init__()
        self.conv_list = []
        self.norm_list = []
        for i in range(layers):
            self.conv_list.append(nn.Conv2d(in_filters if i == 0 else out_filters, out_filters, 3, padding=1))
            self.norm_list.append(nn.BatchNorm2d(out_filters))
        self.register_modules(self.conv_list, "Conv2d")
        self.register_modules(self.norm_list, "batch_norm")

    def forward(self, x):
        for conv, norm in zip(self.conv_list, self.norm_list):
            x = norm(conv(x)).relu()
        return x

    def register_modules(self, module_list, name):
        for i, module in enumerate(module_list):
            self.add_module(f"{name}_{i}", module)
