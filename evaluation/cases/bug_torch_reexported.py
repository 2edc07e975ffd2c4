# Modelled on a recommender library whose files take torch from the package's configs module (which only
# does `import torch`): the embedding tables sit in a plain dict and are never trained.
from recsys.configs import torch


class SparseEmbedding(torch.nn.Module):
    def __init__(self, vocab_sizes, dim=8):
        super().__init__()
        self.tables = {  # expect: MPR004
            name: torch.nn.Embedding(size, dim) for name, size in vocab_sizes.items()
        }

    def forward(self, ids):
        return torch.cat([self.tables[name](ids[name]) for name in self.tables], dim=-1)
