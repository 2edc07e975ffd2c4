# Forum post without imports ("here is my model").
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.fcs = [nn.Linear(320, 50), nn.Linear(50, 10)]  # expect: MPR003

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = x.view(-1, 320)
        for fc in self.fcs:
            x = fc(x)
        return F.log_softmax(x, dim=1)
