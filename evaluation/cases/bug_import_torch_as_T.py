import torch as T


class Critic(T.nn.Module):
    def __init__(self, obs_dim, act_dim):
        super().__init__()
        self.fc = T.nn.Linear(obs_dim + act_dim, 1)
        self.action_scale = T.ones(act_dim) * 2.0  # expect: MPR002

    def forward(self, obs, act):
        return self.fc(T.cat([obs, act / self.action_scale], -1))
