"""A tiny randomly initialised Llama-style causal LM with a character tokenizer, written to
a folder (``save_pretrained``), so the lora backend runs in seconds without a download."""

from __future__ import annotations

import string
from pathlib import Path

CHARS = string.ascii_letters + string.digits + string.punctuation + " \n" + "平仄，。？、_"


def write_tiny_causal_lm(folder: Path, seed: int = 0) -> str:
    """Write a 2-layer Llama (hidden size 32) and its character-level tokenizer (the
    ``tokenizers`` library: a BPE without merges over :data:`CHARS`, BOS/EOS/PAD/UNK) to
    ``folder``; returns the folder as a string (a ``model`` the lora backend loads)."""
    import torch
    from tokenizers import Tokenizer, decoders, models
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<unk>", "<s>", "</s>", "<pad>"]
    vocab = {t: i for i, t in enumerate([*specials, *dict.fromkeys(CHARS)])}
    core = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="<unk>"))
    core.decoder = decoders.Fuse()
    tok = PreTrainedTokenizerFast(
        tokenizer_object=core, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
        unk_token="<unk>",
    )  # fmt: skip
    config = LlamaConfig(
        vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=256,
        bos_token_id=1, eos_token_id=2, pad_token_id=3, tie_word_embeddings=False,
    )  # fmt: skip
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return str(folder)
