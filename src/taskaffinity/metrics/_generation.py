"""Generation metrics (sacrebleu): corpus BLEU and chrF, and the mean sentence BLEU-4
(``bleu4``) of predicted vs gold texts.

``gold``/``pred`` are lists of strings, one per example (a single reference each).
Scores are sacrebleu's divided by 100, so they lie in [0, 1] like every other metric.
BLEU uses sacrebleu's ``zh`` tokenizer: every CJK character is a token and other text is
tokenized as by the standard ``13a`` tokenizer, so English and Chinese targets score alike
(on English text it equals ``13a``; ``13a`` alone would count a whole Chinese line as
one word).
"""

from __future__ import annotations

from collections.abc import Sequence

from taskaffinity.metrics._metric import register_metric

__all__ = ["bleu", "bleu4", "chrf"]


@register_metric("bleu", "generation")
def bleu(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Corpus BLEU (Papineni et al. 2002; sacrebleu, ``tokenize="zh"``) in [0, 1]."""
    import sacrebleu

    if not gold:
        return {"bleu": 0.0}
    score = sacrebleu.corpus_bleu(list(pred), [list(gold)], tokenize="zh").score
    return {"bleu": float(score) / 100.0}


@register_metric("chrf", "generation")
def chrf(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Corpus chrF (Popović 2015; sacrebleu defaults: character 6-grams, beta 2) in [0, 1]."""
    import sacrebleu

    if not gold:
        return {"chrf": 0.0}
    return {"chrf": float(sacrebleu.corpus_chrf(list(pred), [list(gold)]).score) / 100.0}


@register_metric("bleu4", "generation", per_example=True)
def bleu4(gold: Sequence[str], pred: Sequence[str]) -> dict[str, list[float]]:
    """Per example: smoothed sentence-level BLEU-4 in [0, 1] (sacrebleu ``sentence_bleu``
    with ``tokenize="zh"``, ``smooth_method="exp"`` (Chen & Cherry 2014), effective n-gram
    order), divided by 100; the metric is their mean over examples.

    Unlike corpus ``bleu`` (n-gram counts pooled over the corpus, one brevity penalty),
    every example weighs the same, as in sentence-level evaluations of Classical Chinese
    generation and translation by LLMs.
    """
    from sacrebleu.metrics import BLEU

    scorer = BLEU(tokenize="zh", smooth_method="exp", effective_order=True)
    pairs = zip(gold, pred, strict=True)
    return {"bleu4": [scorer.sentence_score(p, [g]).score / 100.0 for g, p in pairs]}
