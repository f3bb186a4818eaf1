"""Capabilities estimators ask a backend for (an estimator never branches on a backend's
name).

Every :class:`~taskaffinity.backends.Backend` offers two capabilities beyond ``run``:

``gold_log_probs(task_name, suite, seed, *, null_input, split="test") -> (logp, Cost)``
    Trains the backend on that single task, with the run hyperparameters unchanged, and
    returns ``logp``, shape ``(len(split),)``: for every instance of ``split`` the natural
    log-probability of its gold label (classification), or
    the mean over the instance's tokens of the log-probability of each gold tag
    (tagging; tokens cut by the length limit of the **real** input are left out, in both
    models, so both average over the same tokens). With ``null_input=True``
    every input of every split is replaced by the empty input (empty text; for tagging,
    one placeholder symbol per token, so only the length is known): the model ``g[null]``
    of V-usable information (Ethayarajh et al. 2022), so that
    ``PVI = (logp_real - logp_null) / ln 2``. The real-input model is scored from its best
    dev checkpoint (the checkpoint ``run`` scores); the null model from its final weights,
    as Ethayarajh et al. use the final model: without its input, its dev metric barely
    moves (a constant prediction), so selecting on it would keep an early checkpoint. The
    suite is used as given: callers that need a modified task (labels flipped, ...) build a
    modified TaskSuite.

``train_with_probe(tasks, suite, seed, probe) -> Cost``
    One joint training run of ``tasks`` (identical to ``run`` apart from the probe's own
    work). Every ``probe.every`` optimizer steps, *before* that step's update, it calls
    ``probe.on_step(ctx)`` with a :class:`ProbeContext`. Built for lookahead task affinity
    (TAG, Fifty et al. 2021) and gradient similarity (Yu et al. 2020)::

        with ctx.preserved():                       # restores parameters on exit
            before = {j: ctx.loss(j, b).item() for j, b in ctx.batches.items()}
            shared = ctx.shared_parameters()
            grads = torch.autograd.grad(ctx.loss(i, ctx.batches[i]), shared)
            with torch.no_grad():
                for p, g in zip(shared, grads):
                    p -= ctx.lr * g      # one rate: a run with one parameter group
            z = {j: 1 - ctx.loss(j, b).item() / before[j] for j, b in ctx.batches.items()}

    ``ctx.loss`` runs with dropout off by default, so probes are deterministic, and the
    probe's batches come from a separate random stream: a probe that restores what it
    changes leaves the training trajectory exactly as without it.

    A probe may also define ``on_end(ctx)``: called once after the last optimizer step
    (before checkpoint selection restores any best-dev weights), with ``ctx.batches``
    empty, so it sees the final jointly trained model; ``ctx.examples(task, split, idx)``
    gives batches of any split's examples (built for Grad-TAG, Li et al. 2024).

Two optional capabilities concern what a study may train (the ``replay`` backend has
both, the training backends neither):

``candidates(suite) -> tuple[tuple[str, ...], ...]``
    The only combinations of ``suite``'s tasks this backend can run (sorted tuples); an
    active plan proposes nothing else, and ``spec`` refuses any other.

``task_suite() -> TaskSuite``
    The backend's own tasks: a config with no ``suite`` and no ``tasks`` studies them.

:class:`Probe` and :class:`ProbeContext` live with the training loop
(:mod:`taskaffinity.backends.training`); this module names them where the capabilities
are documented.
"""

from __future__ import annotations

from taskaffinity.backends.training._probe import Probe, ProbeContext

__all__ = ["Probe", "ProbeContext"]
