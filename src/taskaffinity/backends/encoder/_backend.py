"""``encoder``: a Hugging Face encoder (hub name or local path) + shared layer + heads.

The body (:class:`~taskaffinity.backends.encoder._model.EncoderBody`) = encoder ->
sentence pooling (classification: masked mean or [CLS]) or the first sub-word of every
word (tagging, via the fast tokenizer's ``word_ids``) -> a trainable shared layer
``Linear(H, shared_dim) + GELU + dropout``. Task heads sit on top.

``freeze=True`` is the fast mode: the encoder is frozen and only the shared layer and
heads train. Its outputs are then computed once per (encoder weights, tokenized examples)
in length-sorted chunks, kept in the worker process and, inside a study, in
``<study>/features/`` where all workers share them
(:mod:`taskaffinity.backends.encoder._features`), so a study encodes every split once.
Loading is cached per process too; set ``HF_HUB_OFFLINE=1`` to stay offline. Loading,
tokenization and read-out live in :mod:`taskaffinity.backends.encoder._hf`; torch and
transformers are imported only when a run starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from taskaffinity.backends._base import Backend, register_backend
from taskaffinity.backends.encoder._config import EncoderConfig
from taskaffinity.models import check_pretrained

if TYPE_CHECKING:
    from taskaffinity.backends.heads import Body
    from taskaffinity.tasks import TaskSuite

__all__ = ["EncoderBackend"]


@register_backend("encoder")
class EncoderBackend(Backend):
    """Any Hugging Face encoder, fine-tuned (``freeze=False``) or frozen (fast mode)."""

    config_class = EncoderConfig

    def build_body(self, config: EncoderConfig, suite: TaskSuite) -> Body:
        """A fresh :class:`~taskaffinity.backends.encoder._model.EncoderBody` on the
        encoder of ``config.model`` (loaded once per process)."""
        from taskaffinity.backends.encoder._hf import load_encoder
        from taskaffinity.backends.encoder._model import EncoderBody

        tok, encoder = load_encoder(config.model)
        return EncoderBody(config, tok, encoder)

    def check_resources(self) -> None:
        """The encoder: a local folder with its ``config.json``, or a hub name (in the local
        cache when the hub is offline)."""
        check_pretrained(self.config.model)
