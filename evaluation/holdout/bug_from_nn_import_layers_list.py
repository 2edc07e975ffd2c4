# Source: https://github.com/pytorch/pytorch/issues/666 ("nn.Module not importing parameters contained in lists")
from torch.nn import Linear, Module, Parameter


class net(Module):
    def __init__(self, num_layers):
        super(net, self).__init__()
        self.layer = Linear(1, 1)
        self.list_of_layers = [Linear(1, 1) for i in range(num_layers)]  # expect: MPR003

    def forward(self, x):
        for l in self.list_of_layers:
            x = l(x)
        return self.layer(x)
