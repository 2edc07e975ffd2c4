# Forum post without imports, written correctly.
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fcs = nn.ModuleList([nn.Linear(320, 50), nn.Linear(50, 10)])
        self.register_buffer("mean", torch.zeros(320))
        self.alpha = nn.Parameter(torch.ones(1))

    def forward(self, x):
        x = x.view(-1, 320) - self.mean
        for fc in self.fcs:
            x = fc(x)
        return F.log_softmax(x * self.alpha, dim=1)
