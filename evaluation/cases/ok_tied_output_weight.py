# Modelled on sampled-softmax and NCE losses: the output layer's weight and bias are handed to the loss,
# which uses them as the weights of F.embedding. They are the model's Parameters: assigning them registers
# them here too, and a register_buffer fix would stop their training.
import torch
import torch.nn.functional as F
from torch import nn


class SampledSoftmaxLoss(nn.Module):
    def __init__(self, weights: torch.Tensor, bias: torch.Tensor, num_words: int, num_samples: int):
        super().__init__()
        self.w = weights
        self.b = bias
        self.num_words = num_words
        self.num_samples = num_samples

    def forward(self, embeddings, targets):
        samples = torch.randint(0, self.num_words, (self.num_samples,), device=targets.device)
        ids = torch.cat([targets, samples])
        w = F.embedding(ids, self.w)
        b = F.embedding(ids, self.b.unsqueeze(1)).squeeze(1)
        logits = embeddings @ w.t() + b
        return F.cross_entropy(logits, torch.arange(len(targets), device=targets.device))
