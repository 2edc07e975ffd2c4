class Decoder(nn.Module):
    def __init__(self, d_model, nhead, num_layers, max_len=512):
        super().__init__()
        layer = nn.TransformerDecoderLayer(d_model, nhead, batch_first=True)
        self.dec = nn.TransformerDecoder(layer, num_layers)
        self.tgt_mask = nn.Transformer.generate_square_subsequent_mask(max_len)  # expect: MPR002

    def forward(self, tgt, memory):
        n = tgt.size(1)
        return self.dec(tgt, memory, tgt_mask=self.tgt_mask[:n, :n])
