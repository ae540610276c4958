#!/usr/bin/env python3
"""StoreDesk question matcher prototype (issue 3 research spike).

Self-contained: learns ONLY from kb.jsonl + categories.jsonl, calibrates its confidence on the KB itself
(leave-one-phrasing-out positives, leave-entries-out negatives) and writes predictions for score.py.

usage: matcher.py QUERIES.jsonl OUT.jsonl [--kb DIR] [--pi-answer 0.70] [--rho-suggest 0.3] [--per-category]

Everything numeric below that is not a *policy* (pi_answer, rho_suggest) or a model hyper-parameter
(n-gram weights, L2, fusion weights) is recomputed from the KB every time the KB is loaded.
Only numpy is used, and only for dense arrays; every step is plain loops/sums so it ports to Swift.
"""
import json, sys, math, unicodedata, argparse, collections
import numpy as np

# ----------------------------------------------------------------------------------------------
# Hyper-parameters (chosen on dev; they are method settings, not fitted numbers)
W_UNI, W_BI = 1.0, 0.7      # weight multiplying the idf of unigram / bigram features
L2 = 1e-3                   # L2 on softmax-regression weights (loss is mean NLL + L2/2 |W|^2)
B_CAT, G_ENT = 4.0, 2.0     # fusion: F = log P_lr(e) + B_CAT*cos(q, catCentroid(cat e)) + G_ENT*cos(q, entryCentroid e)
ADAM_STEPS, ADAM_LR = 400, 0.05
N_NEG_GROUPS = 10           # leave-entries-out calibration: entries k with k % 10 == g are removed together
CONF_FEATURES = ("fmarg", "F1", "ce1", "cc1", "cov")

# ----------------------------------------------------------------------------------------------
# Normalisation and features
def is_han(ch):
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF

def tokens(s):
    """NFKC + lower; Han chars are tokens; [a-z]+ runs are tokens; digit runs (with inner '.') become '#';
    everything else (punctuation, emoji, spaces) is dropped."""
    s = unicodedata.normalize("NFKC", s).lower()
    out, buf, kind = [], "", None
    def flush():
        nonlocal buf, kind
        if buf:
            out.append("#" if kind == "d" else buf)
        buf, kind = "", None
    for ch in s:
        if is_han(ch):
            flush(); out.append(ch)
        elif "a" <= ch <= "z":
            if kind != "a": flush(); kind = "a"
            buf += ch
        elif "0" <= ch <= "9" or (ch == "." and kind == "d"):
            if kind != "d": flush(); kind = "d"
            buf += ch
        else:
            flush()
    flush()
    return out

def grams(s):
    """bag of features: '1'+token (unigram) and '2'+tok+'\x01'+tok (adjacent bigram)."""
    t = tokens(s)
    g = collections.Counter("1" + x for x in t)
    for i in range(len(t) - 1):
        g["2" + t[i] + "\x01" + t[i + 1]] += 1
    return g

class Vectorizer:
    def __init__(self, texts):
        self.vocab = {}
        df = collections.Counter()
        for t in texts:
            g = grams(t)
            for k in g:
                self.vocab.setdefault(k, len(self.vocab))
            df.update(g.keys())
        n = len(texts)
        self.idf = np.zeros(len(self.vocab))
        for k, j in self.vocab.items():
            w = W_UNI if k[0] == "1" else W_BI
            self.idf[j] = w * (math.log((1 + n) / (1 + df[k])) + 1.0)

    def vec(self, text):
        """sparse tf-idf: {index: value}, tf = 1+log(count), l2-normalised. Unknown grams are ignored."""
        v = {}
        for k, c in grams(text).items():
            j = self.vocab.get(k)
            if j is not None:
                v[j] = (1.0 + math.log(c)) * self.idf[j]
        n = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {j: x / n for j, x in v.items()}

    def coverage(self, text):
        """share of the query's unigram tokens that occur in the KB vocabulary."""
        u = [k for k in grams(text) if k[0] == "1"]
        return sum(k in self.vocab for k in u) / max(1, len(u))

def dot(sv, dense):
    return sum(x * dense[j] for j, x in sv.items())

# ----------------------------------------------------------------------------------------------
# Softmax regression trained with full-batch Adam on sparse rows (portable: no library optimiser)
def train_softmax(rows, y, K, l2=L2, steps=ADAM_STEPS, lr=ADAM_LR, mask=None):
    """mean NLL + l2/2*|W|^2, full-batch Adam. rows: sparse dicts {feature: value}.
    (scipy.sparse is used here only to make the batch product fast in Python; in Swift loop over the
    non-zeros of each row: z_k = sum_j x_j W[j,k] + b_k, grad W[j,:] += x_j * (p - onehot)/n.)"""
    import scipy.sparse as sp
    d = max((j for r in rows for j in r), default=-1) + 1
    n = len(rows)
    ri = [i for i, r in enumerate(rows) for _ in r]; ci = [j for r in rows for j in r]; vv = [x for r in rows for x in r.values()]
    X = sp.csr_matrix((vv, (ri, ci)), shape=(n, d)); XT = X.T.tocsr()
    Y = np.zeros((n, K)); Y[np.arange(n), y] = 1
    W = np.zeros((d, K)); b = np.zeros(K)
    mW = np.zeros_like(W); vW = np.zeros_like(W); mb = np.zeros(K); vb = np.zeros(K)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        Z = X @ W + b
        if mask is not None: Z = np.where(mask, Z, -1e30)
        Z = Z - Z.max(1, keepdims=True); P = np.exp(Z); P /= P.sum(1, keepdims=True)
        G = (P - Y) / n
        gW = XT @ G + l2 * W; gb = G.sum(0)
        mW = b1 * mW + (1 - b1) * gW; vW = b2 * vW + (1 - b2) * gW * gW
        mb = b1 * mb + (1 - b1) * gb; vb = b2 * vb + (1 - b2) * gb * gb
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        W -= lr * (mW / c1) / (np.sqrt(vW / c2) + eps)
        b -= lr * (mb / c1) / (np.sqrt(vb / c2) + eps)
    return W, b

def train_logistic(X, y, l2=1e-3, steps=2000, lr=0.1):
    """binary logistic regression, full-batch gradient descent on standardised features."""
    X = np.asarray(X, float); y = np.asarray(y, float)
    mu, sd = X.mean(0), X.std(0) + 1e-9
    Z = (X - mu) / sd
    w = np.zeros(Z.shape[1]); b = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(Z @ w + b)))
        g = p - y
        w -= lr * (Z.T @ g / len(y) + l2 * w); b -= lr * g.mean()
    return mu, sd, w, b

def apply_logistic(m, X):
    mu, sd, w, b = m
    return 1 / (1 + np.exp(-(((np.asarray(X, float) - mu) / sd) @ w + b)))

# ----------------------------------------------------------------------------------------------
class Ranker:
    """One trained index over a set of (phrasing, entry) pairs."""
    def __init__(self, texts, labels, entry_cat, n_entries, n_cats):
        self.vz = Vectorizer(texts)
        rows = [self.vz.vec(t) for t in texts]
        self.present = np.zeros(n_entries, bool); self.present[list(set(labels))] = True
        self.W, self.b = train_softmax(rows, labels, n_entries, mask=self.present)
        d = len(self.vz.vocab)
        E = np.zeros((n_entries, d)); C = np.zeros((n_cats, d))
        for r, l in zip(rows, labels):
            for j, x in r.items():
                E[l, j] += x; C[entry_cat[l], j] += x
        E /= np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)
        C /= np.maximum(np.linalg.norm(C, axis=1, keepdims=True), 1e-12)
        self.E, self.C, self.entry_cat = E, C, np.asarray(entry_cat)

    def score(self, text):
        q = self.vz.vec(text)
        idx = np.fromiter(q.keys(), int, len(q)); val = np.fromiter(q.values(), float, len(q))
        z = val @ self.W[idx] + self.b
        z = np.where(self.present, z, -1e30); z = z - z.max()
        logp = z - math.log(np.exp(z).sum())
        ce = val @ self.E[:, idx].T if len(idx) else np.zeros(len(self.present))
        cc = val @ self.C[:, idx].T if len(idx) else np.zeros(self.C.shape[0])
        F = logp + B_CAT * cc[self.entry_cat] + G_ENT * ce
        F = np.where(self.present, F, -1e30)
        order = np.argsort(-F, kind="stable")
        e1, e2 = order[0], order[1]
        feats = dict(F1=F[e1], fmarg=F[e1] - F[e2], p1=math.exp(logp[e1]), ce1=ce[e1],
                     cc1=cc[self.entry_cat[e1]], ccmax=cc.max(), cov=self.vz.coverage(text),
                     ntok=len(tokens(text)), cat1=int(self.entry_cat[e1]))
        return order, feats

# ----------------------------------------------------------------------------------------------
# Hand-written generic small-talk lexicon (NOT mined from any benchmark split)
SMALLTALK = """你好 您好 你好啊 哈喽 嗨 hello hi hey 早 早上好 上午好 中午好 下午好 晚上好 早安 午安 晚安
在吗 在么 在嘛 在不 在不在 有人吗 有人在吗 客服 客服在吗 亲在吗 老板在吗 掌柜在吗
谢谢 谢啦 谢了 多谢 感谢 谢谢你 谢谢您 谢谢亲 谢谢啦 辛苦了 辛苦 麻烦了 麻烦你了 麻烦您了 thanks thank thx 3q
好的 好 好滴 好哒 好嘞 好吧 好啊 好呀 好了 行 行吧 可以 ok okay 嗯 嗯嗯 恩 恩恩 哦 哦哦 噢 喔 额 呃 哈 哈哈 哈哈哈 呵呵 嘿嘿 嘻嘻
收到 收到了 知道了 知道 明白 明白了 了解 了解了 懂了 清楚了 是的 是 对 对的 对啊 没错 没事 没事了 没关系 不客气 不用谢 不用了
再见 拜拜 拜 88 bye 回头见 下次见 晚点聊 稍等 等等 等一下 稍等一下 马上
亲 亲亲 亲爱的 哎 唉 啊 呀 哇 嗷""".split()
FILLER = set("啊呀呢哈啦嘛吧哦噢喔嗯恩了的亲哟呐")
def _st_norm(s):
    s = unicodedata.normalize("NFKC", s).lower()
    return "".join(ch for ch in s if ch.isalnum())
_LEX = sorted(set(_st_norm(p) for p in SMALLTALK), key=len, reverse=True)
def is_smalltalk(q):
    s = _st_norm(q)
    i = 0
    while i < len(s):
        for p in _LEX:
            if s.startswith(p, i):
                i += len(p); break
        else:
            if s[i] in FILLER: i += 1
            else: return False
    return True   # empty (emoji / punctuation only) counts as small talk

# ----------------------------------------------------------------------------------------------
class Matcher:
    def __init__(self, kb, cats, pi_answer=0.70, rho_suggest=0.3, per_category=False):
        self.kb = kb; self.cats = [c["id"] for c in cats]
        self.ids = [e["id"] for e in kb]
        self.entry_cat = [self.cats.index(e["category"]) for e in kb]
        self.texts, self.labels, self.slots = [], [], []
        for k, e in enumerate(kb):
            for j, p in enumerate([e["question"]] + list(e["similar"])):
                self.texts.append(p); self.labels.append(k); self.slots.append(j)
        self.K = len(kb)
        self.ranker = self._ranker(lambda i: True)
        self.pi_answer, self.rho_suggest = pi_answer, rho_suggest
        self.per_category = per_category
        self.calibrate()

    def _ranker(self, keep):
        ix = [i for i in range(len(self.texts)) if keep(i)]
        return Ranker([self.texts[i] for i in ix], [self.labels[i] for i in ix], self.entry_cat, self.K, len(self.cats))

    # ---- calibration from the KB itself ----
    def calibrate(self):
        pos, neg = [], []
        # (a) leave-one-phrasing-out by slot: slot j (1..3 = the 'similar' phrasings) of every entry is held out
        #     at once; the entry's 'question' line always stays in the index.
        n_slots = max(self.slots) + 1
        for j in range(1, n_slots):
            r = self._ranker(lambda i: self.slots[i] != j)
            for i in range(len(self.texts)):
                if self.slots[i] == j:
                    order, f = r.score(self.texts[i])
                    f["correct"] = order[0] == self.labels[i]
                    f["hit3"] = self.labels[i] in order[:3]
                    f["cat_ok"] = self.entry_cat[order[0]] == self.entry_cat[self.labels[i]]
                    pos.append(f)
        # (b) leave-entries-out: entries k with k % G == g are removed; their 'similar' phrasings are questions
        #     the KB cannot answer (simulated unseen intents). Any answer to them is wrong.
        G = min(N_NEG_GROUPS, self.K)
        for g in range(G):
            r = self._ranker(lambda i: self.labels[i] % G != g)
            for i in range(len(self.texts)):
                if self.labels[i] % G == g and self.slots[i] > 0:
                    order, f = r.score(self.texts[i]); f["correct"] = False; neg.append(f)
        self.cal_pos, self.cal_neg = pos, neg
        X = [[f[k] for k in CONF_FEATURES] for f in pos + neg]
        self.cal_y = np.array([1.0 if f["correct"] else 0.0 for f in pos + neg])
        self.conf_model = train_logistic(X, self.cal_y)
        self.cal_p = apply_logistic(self.conf_model, X)
        self.set_policy(self.pi_answer, self.rho_suggest)

    def set_policy(self, pi_answer, rho_suggest):
        """Turn the two policy knobs into thresholds using only the KB calibration data."""
        self.pi_answer, self.rho_suggest = pi_answer, rho_suggest
        sp, y = self.cal_p, self.cal_y
        # answer threshold: the smallest t such that, among KB calibration items with P >= t (held-out
        # paraphrases + simulated unseen intents, pooled 1:1), the share answered correctly is >= pi_answer.
        self.tau_answer = self._tau(sp, y, pi_answer, np.ones(len(y), bool), 5)
        # per-category answer thresholds (same rule on the items whose predicted entry is in that category,
        # falling back to the global threshold when a category has < 15 calibration items above it)
        self.tau_answer_cat = {}
        cats_pred = np.array([f["cat1"] for f in self.cal_pos + self.cal_neg])
        for c in range(len(self.cats)):
            t_c = self._tau(sp, y, pi_answer, cats_pred == c, 15)
            self.tau_answer_cat[c] = t_c if t_c < 1.0 else self.tau_answer
        # suggest threshold on the fused score F1: the rho-quantile of F1 over held-out KB phrasings whose
        # right entry was in the top 3 (suggest when the query is at least as close to the KB as the
        # (1-rho) share of recoverable held-out paraphrases).
        f1 = np.array([f["F1"] for f in self.cal_pos if f["hit3"]])
        self.tau_suggest = float(np.quantile(f1, rho_suggest))
        # domain threshold (escalate vs small talk): lower quartile of the best category-centroid similarity
        # of the simulated unseen intents; below it the query does not look like shop talk.
        self.tau_domain = float(np.quantile([f["ccmax"] for f in self.cal_neg], 0.25))

    @staticmethod
    def _tau(sp, y, pi, mask, n_min):
        """Walk the calibration scores from the top down; keep lowering the threshold while the precision
        of everything at or above it stays >= pi (only judged once >= n_min items are above it).
        Returns 1.0 (never answer) if even the top n_min items miss the target."""
        s = sp[mask]; yy = y[mask]
        o = np.argsort(-s, kind="stable"); s, yy = s[o], yy[o]
        tau, hits = 1.0, 0.0
        for i in range(len(s)):
            hits += yy[i]
            if i + 1 < n_min: continue
            if i + 1 < len(s) and s[i + 1] == s[i]: continue   # only cut between distinct scores
            if hits / (i + 1) >= pi: tau = s[i]
            else: break
        return float(tau)

    def summary(self):
        pos, neg = self.cal_pos, self.cal_neg
        return dict(lopo_top1=float(np.mean([f["correct"] for f in pos])),
                    lopo_recall3=float(np.mean([f["hit3"] for f in pos])),
                    lopo_cat=float(np.mean([f["cat_ok"] for f in pos])),
                    n_pos=len(pos), n_neg=len(neg), tau_answer=float(self.tau_answer),
                    tau_suggest=self.tau_suggest, tau_domain=self.tau_domain,
                    conf_weights=dict(zip(CONF_FEATURES, map(float, self.conf_model[2]))))

    # ---- decision ----
    def predict(self, q):
        order, f = self.ranker.score(q)
        top = [self.ids[k] for k in order[:3]]
        cat = self.cats[self.entry_cat[order[0]]]
        pc = float(apply_logistic(self.conf_model, [[f[k] for k in CONF_FEATURES]])[0])
        if is_smalltalk(q):
            dec = "smalltalk"
        elif pc >= (self.tau_answer_cat[self.entry_cat[order[0]]] if self.per_category else self.tau_answer):
            dec = "answer"
        elif f["F1"] >= self.tau_suggest:
            dec = "suggest"
        elif f["ccmax"] >= self.tau_domain:
            dec = "clarify" if f["ntok"] <= 3 else "escalate"
        else:
            dec = "smalltalk"
        return dict(query=q, decision=dec, top=top, category=cat, p_correct=round(pc, 4), F1=round(float(f["F1"]), 4))

def load(p):
    with open(p, encoding="utf-8") as fh:
        return [json.loads(l) for l in fh if l.strip()]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("queries"); ap.add_argument("out")
    ap.add_argument("--kb", default="../shared/bench/cic-faq", help="folder with kb.jsonl and categories.jsonl (the benchmark stays in ../shared)")
    ap.add_argument("--pi-answer", type=float, default=0.70)
    ap.add_argument("--rho-suggest", type=float, default=0.3)
    ap.add_argument("--per-category", action="store_true")
    a = ap.parse_args()
    m = Matcher(load(a.kb + "/kb.jsonl"), load(a.kb + "/categories.jsonl"), a.pi_answer, a.rho_suggest, a.per_category)
    print(json.dumps(m.summary(), ensure_ascii=False), file=sys.stderr)
    with open(a.out, "w", encoding="utf-8") as fh:
        for q in load(a.queries):
            fh.write(json.dumps(m.predict(q["query"]), ensure_ascii=False) + "\n")

if __name__ == "__main__":
    main()
