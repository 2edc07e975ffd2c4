# Forum post without imports: a temperature that should be learned.
class ContrastiveHead(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Linear(dim, 128)
        self.logit_scale = torch.ones([]) * np.log(1 / 0.07)  # expect: MPR001|MPR002
        self.logit_scale.requires_grad = True

    def forward(self, a, b):
        a = F.normalize(self.proj(a), dim=-1)
        b = F.normalize(self.proj(b), dim=-1)
        return self.logit_scale.exp() * a @ b.t()
