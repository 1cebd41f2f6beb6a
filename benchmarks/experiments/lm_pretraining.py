"""Issue 12 experiment: a next-token language model as pretraining (the issue's 'lm'), kept as a record.

The default classifier's embedding and BiLSTM (64 + 64 units) learn a language model on all
75,000 IMDB training reviews (labelled and unlabelled): the forward direction predicts the next
token, the backward direction the previous one (as ELMo does), each through a sampled softmax
(K shared negatives per batch drawn from the unigram distribution to the 3/4, with the log-Q
correction). Batches hold reviews of similar length. The classifier then starts from the learnt
embedding and encoder and trains on 1,000 labels. docs/semi_supervised.md has the results: it
did worse than a fresh network, so the package does not offer it.

Run: SKLEARN_RNN_DATA=../shared/data python benchmarks/experiments/lm_pretraining.py 1 512 1000
(language-model epochs, K, numbers of labels separated by commas).
"""
import numpy as np, time, json, sys
import torch
from torch.nn import functional as F
from _harness import first_labels, semi_supervised_ids  # the script's folder is on sys.path
from sklearn_rnn import RecurrentTextClassifier
from sklearn_rnn.modules.recurrent import RecurrentNet
torch.set_num_threads(2); torch.manual_seed(0)
torch.set_flush_denormal(True)
train, test, ids, Xt, ntok = semi_supervised_ids()
ytr, yt = train.target, test.target
EPOCHS = float(sys.argv[1]); K = int(sys.argv[2]); labels_list = [int(a) for a in sys.argv[3].split(",")]
H, D, B = 64, 64, 64
net = RecurrentNet(ntok, 2, embedding_dim=D, hidden_size=H, bidirectional=True, pooling="max")
Uf = torch.nn.Embedding(ntok, H); Ub = torch.nn.Embedding(ntok, H)
for U in (Uf, Ub): torch.nn.init.normal_(U.weight, 0, 0.05)
bf = torch.nn.Parameter(torch.zeros(ntok)); bb = torch.nn.Parameter(torch.zeros(ntok))
counts = np.bincount(ids.ravel(), minlength=ntok).astype(float); counts[0] = 0
q = counts ** 0.75; q /= q.sum(); logq = torch.log(torch.tensor(q * K, dtype=torch.float32).clamp(min=1e-20))
qt = torch.tensor(q, dtype=torch.float32)
params = list(net.embedding.parameters()) + list(net.encoder.parameters()) + [Uf.weight, Ub.weight, bf, bb]
opt = torch.optim.Adam(params, lr=2e-3)
lengths_all = (ids != 0).sum(1)
rng = np.random.RandomState(0)
def sampled_loss(h, target, U, b, cand):
    # h [N,H], target [N]
    pos = (h * U(target)).sum(1) + b[target] - logq[target]
    neg = h @ U.weight[cand].T + (b[cand] - logq[cand])
    neg = neg.masked_fill(cand.unsqueeze(0) == target.unsqueeze(1), -1e4)
    logits = torch.cat([pos.unsqueeze(1), neg], 1)
    return F.cross_entropy(logits, torch.zeros(len(h), dtype=torch.long))
order = np.argsort(lengths_all + rng.uniform(0, 1, len(ids)), kind="stable")
chunks = [order[i:i+B] for i in range(0, len(order), B)]
total_steps = int(EPOCHS * len(chunks))
t0 = time.time(); step = 0; run = 0
net.train()
while step < total_steps:
    for ci in rng.permutation(len(chunks)):
        if step >= total_steps: break
        rows = chunks[ci]; L = lengths_all[rows]; T = int(L.max())
        x = torch.from_numpy(ids[rows, :T].astype(np.int64)); lens = torch.from_numpy(L.astype(np.int64)).clamp(min=1)
        out, _ = net.encoder(F.dropout(net.embedding(x), 0.1, True), lens)
        out = F.dropout(out, 0.1, True)
        hf, hb = out[:, :-1, :H], out[:, 1:, H:]
        tf, tb = x[:, 1:], x[:, :-1]
        m = (torch.arange(T - 1).unsqueeze(0) < (lens - 1).unsqueeze(1))
        cand = torch.multinomial(qt, K, replacement=True)
        loss = 0.5 * (sampled_loss(hf[m], tf[m], Uf, bf, cand) + sampled_loss(hb[m], tb[m], Ub, bb, cand))
        for g in opt.param_groups: g["lr"] = 2e-3 * min(1.0, (step + 1) / 200) * max(0.05, 1 - step / total_steps)
        opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(params, 1.0); opt.step()
        run = 0.98 * run + 0.02 * loss.item() if step else loss.item()
        step += 1
        if step % 200 == 0: print(step, total_steps, round(run, 3), round(time.time() - t0, 1), flush=True)
print("lm done", round(time.time() - t0, 1), flush=True)
W = net.embedding.embedding.weight.detach().numpy().copy()
enc_state = {k: v.clone() for k, v in net.encoder.state_dict().items()}
class LMInit(RecurrentTextClassifier):
    def _new_net(self, *a, **k):
        super()._new_net(*a, **k)
        if getattr(self, "_use_lm", True): self.net_.module_.encoder.load_state_dict(enc_state)
for n in labels_list:
    keep = first_labels(ytr, n)
    fresh = np.random.RandomState(0).uniform(-0.05, 0.05, W.shape).astype(np.float32)
    longer = dict(max_epochs=40, n_iter_no_change=6)
    for name, use_lm, extra in [("lm", True, dict(embedding_weights=W)),
                                ("lm_lr", True, dict(embedding_weights=W, lr=3e-4)),
                                ("fresh_40_epochs", False, dict(embedding_weights=fresh, **longer)),
                                ("lm_40_epochs", True, dict(embedding_weights=W, **longer))]:
        t = time.time()
        LMInit._use_lm = use_lm
        clf = LMInit(random_state=0, n_threads=2, pretraining=None, **extra).fit(ids[keep], ytr[keep])
        fit_s = time.time() - t
        acc = clf.score(Xt, yt); w = clf.linear_weight_
        lm_ = clf.linear_model_; clf.linear_model_ = None; net_acc = clf.score(Xt, yt); clf.linear_model_ = lm_
        print(json.dumps({"n": n, "name": name, "K": K, "epochs": EPOCHS, "fit_s": round(fit_s, 1), "acc": acc, "net_acc": net_acc, "w": w, "hist": clf.history_["valid_acc"].round(4).tolist()}), flush=True)
