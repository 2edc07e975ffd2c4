# Source: https://github.com/Shawn1993/cnn-text-classification-pytorch/issues/1
# Forum-style snippet without imports: "when call cuda on this model, this list of modules will not shift to the GPU".
class CNN_Text(nn.Module):
    def __init__(self, args):
        super(CNN_Text, self).__init__()
        V, D, C, Ci, Co, Ks = args.embed_num, args.embed_dim, args.class_num, 1, args.kernel_num, args.kernel_sizes
        self.embed = nn.Embedding(V, D)
        self.convs1 = [nn.Conv2d(Ci, Co, (K, D)) for K in Ks]  # expect: MPR003
        self.dropout = nn.Dropout(args.dropout)
        self.fc1 = nn.Linear(len(Ks) * Co, C)

    def forward(self, x):
        x = self.embed(x).unsqueeze(1)
        x = [F.relu(conv(x)).squeeze(3) for conv in self.convs1]
        x = torch.cat([F.max_pool1d(i, i.size(2)).squeeze(2) for i in x], 1)
        return self.fc1(self.dropout(x))
