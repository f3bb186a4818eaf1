"""bertscore_f1 against bert_score.score on a tiny random BERT; judge with tiny Llama-style
judges whose replies are known; the judge's score parser; metric options checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskaffinity.errors import InputError
from taskaffinity.metrics import METRICS, evaluate, parse_score
from taskaffinity.tasks import Example, Task

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
bert_score = pytest.importorskip("bert_score")

CHARS = list("春风又绿江南岸明月何时照我还床前光疑是地上霜白日依山尽黄河入海流") + list("abc")


def _task(metric: str, options: dict | None = None) -> Task:
    ex = (Example(text="问", label="答"),)
    return Task("g", "generation", "basic", metric, ex, ex, ex, metric_options=options or {})


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory) -> Path:
    """A randomly initialised 2-layer BERT (hidden 32) with a character WordPiece vocab."""
    folder = tmp_path_factory.mktemp("tiny-bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *CHARS]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", "utf-8")
    tok = transformers.BertTokenizer(str(folder / "vocab.txt"), model_max_length=64)
    config = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    torch.manual_seed(0)
    transformers.BertModel(config).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


GOLD = ["春风又绿江南岸", "明月何时照我还", "床前明月光", "白日依山尽"]
PRED = ["春风又到江南岸", "明月何时照我还", "疑是地上霜", "黄河入海流"]


def test_bertscore_equals_bert_score_on_a_local_model(tiny_bert: Path) -> None:
    opts = {"model": str(tiny_bert), "num_layers": 1, "use_fast_tokenizer": False}
    out = evaluate(_task("bertscore_f1", {"bertscore_f1": opts}), GOLD, PRED)
    p, r, f = bert_score.score(
        PRED, GOLD, model_type=str(tiny_bert), num_layers=1, device="cpu", batch_size=2
    )
    assert out["bertscore_f1"] == pytest.approx(float(f.mean()), abs=1e-6)
    assert out["bertscore_precision"] == pytest.approx(float(p.mean()), abs=1e-6)
    assert out["bertscore_recall"] == pytest.approx(float(r.mean()), abs=1e-6)
    per = METRICS["bertscore_f1"].example_scores(GOLD, PRED, options=opts)
    assert per["bertscore_f1"].tolist() == pytest.approx(f.tolist(), abs=1e-6)
    assert per["bertscore_f1"][1] == pytest.approx(1.0, abs=1e-6)  # identical strings
    assert len(set(per["bertscore_f1"].round(6).tolist())) == 4  # a non-degenerate case
    assert {"bleu", "bleu4", "chrf"} <= set(out)


def test_bertscore_layer_idf_and_empty_texts(tiny_bert: Path) -> None:
    base = {"model": str(tiny_bert), "use_fast_tokenizer": False}
    metric = METRICS["bertscore_f1"]
    for layers in (1, 2):
        got = metric.example_scores(GOLD, PRED, options={**base, "num_layers": layers})
        want = bert_score.score(PRED, GOLD, model_type=str(tiny_bert), num_layers=layers)[2]
        assert got["bertscore_f1"].tolist() == pytest.approx(want.tolist(), abs=1e-6)
    got = metric.example_scores(GOLD, PRED, options={**base, "num_layers": 2, "idf": True})
    want = bert_score.score(PRED, GOLD, model_type=str(tiny_bert), num_layers=2, idf=True)[2]
    assert got["bertscore_f1"].tolist() == pytest.approx(want.tolist(), abs=1e-6)
    got = metric.example_scores(["春风", ""], ["", "春风"], options={**base, "num_layers": 1})
    assert got["bertscore_f1"].tolist() == [0.0, 0.0]  # bert-score's rule for empty texts


def test_bertscore_option_errors(tiny_bert: Path) -> None:
    metric = METRICS["bertscore_f1"]
    cases = [
        ({"model": str(tiny_bert), "num_layers": 0}, "num_layers"),
        ({"model": str(tiny_bert), "num_layers": True}, "num_layers"),
        ({"model": str(tiny_bert), "layers": 2}, "layers"),
        ({"model": str(tiny_bert / "missing")}, "model"),
        ({"model": str(tiny_bert), "rescale_with_baseline": True}, "rescale_with_baseline"),
    ]
    for opts, field in cases:
        with pytest.raises(InputError) as err:
            metric.parse_options(opts)
        assert err.value.field == f"metric_options.bertscore_f1.{field}", opts
    with pytest.raises(InputError, match="has 2 layers") as err:
        metric.example_scores(["a"], ["b"], options={"model": str(tiny_bert), "num_layers": 3})
    assert err.value.field == "metric_options.bertscore_f1.num_layers"
    with pytest.raises(InputError, match="no default layer"):
        metric.example_scores(["a"], ["b"], options={"model": str(tiny_bert)})


def _echo_judge(folder: Path, words: list[str]) -> Path:
    """A 1-layer Llama whose layers add nothing and whose head maps each token to itself:
    greedy decoding repeats the prompt's last token (so the reply shows whether the
    prompt ends with the graded output, left padding included)."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {w: i for i, w in enumerate(["<pad>", "<unk>", "<s>", "</s>", *words])}
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = transformers.PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="<unk>", pad_token="<pad>", bos_token="<s>",
        eos_token="</s>",
    )  # fmt: skip
    n = len(vocab)
    hidden = n + n % 2  # RoPE needs an even head dimension
    config = transformers.LlamaConfig(
        vocab_size=n,
        hidden_size=hidden,
        intermediate_size=8,
        num_hidden_layers=1,
        num_attention_heads=1,
        num_key_value_heads=1,
        max_position_embeddings=256,
        tie_word_embeddings=False,
        pad_token_id=0,
        bos_token_id=2,
        eos_token_id=3,
    )
    lm = transformers.LlamaForCausalLM(config)
    with torch.no_grad():
        lm.model.embed_tokens.weight.copy_(torch.eye(n, hidden))
        lm.lm_head.weight.copy_(torch.eye(n, hidden))
        for layer in lm.model.layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
    lm.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


WORDS = ["8", "3", "15", "garbage", "10", "问", "答", "Score", ":"]


@pytest.fixture(scope="module")
def echo_judge(tmp_path_factory) -> Path:
    return _echo_judge(tmp_path_factory.mktemp("echo-judge"), WORDS)


def test_judge_scores_parsed_replies_and_counts_failures(echo_judge: Path) -> None:
    opts = {"model": str(echo_judge), "rubric": "{input} {reference} {output}", "device": "cpu"}
    task = _task("judge", {"judge": opts})
    gold = ["答", "答", "答", "答", "答"]
    pred = ["8", "3", "garbage", "15", "10"]  # replies "8 8 ..", "3 3 ..", ...
    out = evaluate(task, gold, pred, inputs=["问"] * 5)
    # 0.8, 0.3, failure (no number: 0), failure (15 > 10: 0), 1.0
    assert out["judge"] == pytest.approx((0.8 + 0.3 + 0 + 0 + 1.0) / 5)
    assert out["judge_failures"] == pytest.approx(2 / 5)
    per = METRICS["judge"].example_scores(gold, pred, inputs=["问"] * 5, options=opts)
    assert per["judge"].tolist() == pytest.approx([0.8, 0.3, 0.0, 0.0, 1.0])
    assert per["judge_failures"].tolist() == [0.0, 0.0, 1.0, 1.0, 0.0]
    small = {**opts, "batch_size": 2, "scale": 20}  # prompts of unequal length in a batch
    per = METRICS["judge"].example_scores(
        gold, pred, inputs=["问", "问 问 问", "问", "问", "问 问"], options=small
    )
    assert per["judge"].tolist() == pytest.approx([0.4, 0.15, 0.0, 0.75, 0.5])
    with pytest.raises(ValueError, match="needs the example inputs"):
        evaluate(task, gold, pred)


def test_judge_default_rubric_reaches_the_model(echo_judge: Path) -> None:
    # the default rubric ends with "Score:": the echo judge replies ":" -> a failure
    opts = {"model": str(echo_judge), "device": "cpu"}
    out = evaluate(_task("judge", {"judge": opts}), ["答"], ["8"], inputs=["问"])
    assert (out["judge"], out["judge_failures"]) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("reply", "score"),
    [
        ("8", 0.8),
        ("Score: 7/10", 0.7),
        ("评分：9分", 0.9),
        ("９", 0.9),  # full-width digit
        (" 8.5 out of 10", 0.85),
        ("10", 1.0),
        ("0", 0.0),
        ("garbage", None),
        ("", None),
        ("15", None),  # off the 1-10 scale: a failure, not a perfect score
    ],
)
def test_parse_score(reply: str, score: float | None) -> None:
    assert parse_score(reply) == (None if score is None else pytest.approx(score))


def test_parse_score_with_another_scale() -> None:
    assert parse_score("15", scale=20) == pytest.approx(0.75)
    assert parse_score("4", scale=5) == pytest.approx(0.8)


def test_judge_option_errors(echo_judge: Path) -> None:
    metric = METRICS["judge"]
    model = str(echo_judge)
    cases = [
        ({}, "model", "needs a model"),
        ({"model": model, "rubric": "Grade {answer}"}, "rubric", "unknown placeholder"),
        ({"model": model, "rubric": "Grade {input} against {reference}"}, "rubric", "{output}"),
        ({"model": model, "rubric": "Grade {output"}, "rubric", "not a valid template"),
        ({"model": model, "rubrik": "{output}"}, "rubrik", "no option 'rubrik'"),
        ({"model": model, "scale": 0}, "scale", "positive"),
        ({"model": model, "max_new_tokens": 1.5}, "max_new_tokens", "integer"),
        ({"model": str(echo_judge / "nope")}, "model", "not found"),
    ]
    for opts, field, message in cases:
        with pytest.raises(InputError, match=message) as err:
            metric.parse_options(opts)
        assert err.value.field == f"metric_options.judge.{field}", opts
    rubric = metric.parse_options({"model": model, "rubric": "{{literal}} {output}"}).rubric
    assert rubric.format(output="x") == "{literal} x"
