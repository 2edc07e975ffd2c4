# Source: https://github.com/namisan/mt-dnn/issues/45
# "Evaluation mode ignored for dropout list": scoring_list is a ModuleList, dropout_list is not.
import torch.nn as nn


class SANClassifier(nn.Module):
    def __init__(self, hidden, task_classes, dropout_p):
        super().__init__()
        self.scoring_list = nn.ModuleList()
        self.dropout_list = []  # expect: MPR003
        for n_class, p in zip(task_classes, dropout_p):
            self.dropout_list.append(nn.Dropout(p))
            self.scoring_list.append(nn.Linear(hidden, n_class))

    def forward(self, x, task_id):
        x = self.dropout_list[task_id](x)
        return self.scoring_list[task_id](x)
