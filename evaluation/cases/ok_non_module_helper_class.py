# Tensors held by helper objects that are not Modules.
import torch


class RandomErasing:
    def __init__(self, value=(0.0, 0.0, 0.0)):
        self.value = torch.tensor(value).view(-1, 1, 1)

    def __call__(self, img):
        img[:, :8, :8] = self.value
        return img


class Tokenizer(object):
    def __init__(self, vocab):
        self.ids = torch.arange(len(vocab))
        self.layers = [torch.nn.Linear(2, 2)]
