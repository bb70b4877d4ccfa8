"""TF1 queue-runner input pipelines (rule TFM167's pre-step): a pure function of the source.

The form (TF 1.0-1.3 programs that batch in-memory arrays through queues)::

    a_q, b_q, y_q = tf.train.slice_input_producer([A, B, Y], shuffle=True, seed=0)  # num_epochs=None
    a, b, y = tf.train.shuffle_batch([a_q, b_q, y_q], batch_size=64, capacity=2000,
                                     min_after_dequeue=1000, seed=0)                  # or tf.train.batch
    ...
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    ... sess.run(train_op) without feeds: each run dequeues one batch ...
    coord.request_stop(); coord.join(threads)

TF1 semantics: ``slice_input_producer`` enqueues the slices of its tensors epoch after epoch (a new
random permutation per epoch when ``shuffle``), ``shuffle_batch`` dequeues ``batch_size`` of them
chosen at random from a RandomShuffleQueue holding at least ``min_after_dequeue`` (``batch``: in
order), and every ``Session.run`` that needs the batch tensors without feeding them dequeues one
batch. Both queues are filled by threads: measured in the legacy runtime (same program, same
``tf.set_random_seed`` and op seeds, one intra-op thread), the first batches differ between runs -
TF1 itself does not reproduce its order.

``queues_to_dataset(module)`` writes the same pipeline as a graph-mode tf.data program
(``from_tensor_slices((A, B, Y)).shuffle(len(A)).repeat().shuffle(min_after_dequeue).batch(b)
.make_one_shot_iterator().get_next()``: a new permutation per epoch, then a shuffle buffer of
``min_after_dequeue`` elements - the queue at its lowest fill) and drops the coordinator / queue
runner statements, so that ``graph_datasets.desugar`` (TFM167) can turn it into a placeholder
program fed batch by batch. The order of the batches differs from TF1's, as TF1's differs from
run to run; the shuffles are NOT seeded tf.data shuffles (the graph seed did not fix TF1's order),
which ``desugar(..., queue_origin=True)`` and TFM167 are told. None when the program is not in
this form (several producers, ``num_epochs``, ``enqueue_many``, ``coord.should_stop()`` loops,
other reads of the coordinator or of the producer's tensors).
"""
from __future__ import annotations

import libcst as cst

from .graph_datasets import _walk, tf_aliases

_PRODUCER = "train.slice_input_producer"
_BATCHERS = {"train.shuffle_batch": True, "train.batch": False}
_DROPPED = ("train.Coordinator", "train.start_queue_runners")
_PRODUCER_KW = {"shuffle", "seed", "capacity", "name", "num_epochs", "shared_name"}
_BATCH_KW = {"batch_size", "capacity", "min_after_dequeue", "num_threads", "seed", "name", "enqueue_many",
             "allow_smaller_final_batch", "shapes", "shared_name"}


def _attr_path(node: cst.BaseExpression) -> str | None:
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def _kw(call: cst.Call, name: str) -> cst.BaseExpression | None:
    return next((a.value for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def _names(node: cst.BaseExpression) -> list[str] | None:
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, (cst.Tuple, cst.List)) and all(isinstance(e.value, cst.Name) for e in node.elements):
        return [e.value.value for e in node.elements]
    return None


class _Queues:
    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.tf = set(tf_aliases(module))
        self.reason: str | None = None

    def tf_call(self, node: cst.CSTNode, *names: str) -> str | None:
        if not isinstance(node, cst.Call):
            return None
        path = _attr_path(node.func)
        if path is None or "." not in path:
            return None
        root, rest = path.split(".", 1)
        return rest if root in self.tf and rest in names else None

    def assign(self, st: cst.CSTNode, *names: str) -> tuple[list[str], cst.Call, str] | None:
        if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1 and isinstance(st.body[0], cst.Assign)
                and len(st.body[0].targets) == 1):
            return None
        a = st.body[0]
        which = self.tf_call(a.value, *names)
        targets = _names(a.targets[0].target)
        if which is None or targets is None:
            return None
        return targets, a.value, which


def _strip_constant(q: _Queues, node: cst.BaseExpression) -> cst.BaseExpression:
    if q.tf_call(node, "constant", "convert_to_tensor") and len(node.args) == 1 and node.args[0].keyword is None:
        return node.args[0].value
    return node


def queues_to_dataset(module: cst.Module) -> cst.Module | None:
    q = _Queues(module)
    if not q.tf:
        return None
    blocks = [module] + [n for n in _walk(module) if isinstance(n, cst.IndentedBlock)]
    found = None
    for blk in blocks:
        body = list(blk.body)
        for i, st in enumerate(body):
            prod = q.assign(st, _PRODUCER)
            if prod is None:
                continue
            for j in range(i + 1, len(body)):
                bat = q.assign(body[j], *_BATCHERS)
                if bat is not None:
                    found = (blk, i, j, prod, bat)
                    break
            break
        if found:
            break
    if found is None:
        return None
    blk, i, j, (qnames, pcall, _), (bnames, bcall, which) = found
    if any(a.keyword is not None and a.keyword.value not in _PRODUCER_KW for a in pcall.args) or \
            any(a.keyword is not None and a.keyword.value not in _BATCH_KW for a in bcall.args):
        return None
    for bad in ("num_epochs", "shared_name"):
        v = _kw(pcall, bad)
        if v is not None and not (isinstance(v, cst.Name) and v.value == "None"):
            return None
    for bad in ("enqueue_many", "allow_smaller_final_batch"):
        v = _kw(bcall, bad)
        if v is not None and not (isinstance(v, cst.Name) and v.value == "False"):
            return None
    if _kw(bcall, "shapes") is not None:
        return None
    pos = [a for a in pcall.args if a.keyword is None]
    tensors = pos[0].value if pos else _kw(pcall, "tensor_list")
    if not isinstance(tensors, (cst.List, cst.Tuple)) or len(tensors.elements) != len(qnames):
        return None
    bpos = [a for a in bcall.args if a.keyword is None]
    batched = bpos[0].value if bpos else _kw(bcall, "tensors")
    if batched is None or _names(batched) != qnames or len(bnames) != len(qnames):
        return None
    batch_size = bpos[1].value if len(bpos) > 1 else _kw(bcall, "batch_size")
    if batch_size is None:
        return None
    shuffle = _kw(pcall, "shuffle")
    if shuffle is not None and not (isinstance(shuffle, cst.Name) and shuffle.value in ("True", "False")):
        return None
    min_after = None
    if _BATCHERS[which]:
        min_after = bpos[3].value if len(bpos) > 3 else _kw(bcall, "min_after_dequeue")
        if min_after is None:
            return None
    # the producer's tensors are read only by the batcher
    reads = sum(1 for n in _walk(module) if isinstance(n, cst.Name) and n.value in qnames)
    if reads != 2 * len(qnames):
        return None
    tfn = next(iter(sorted(q.tf)))
    code = cst.Module([]).code_for_node
    elems = [_strip_constant(q, e.value) for e in tensors.elements]
    src = ", ".join(code(e) for e in elems) + ("," if len(elems) == 1 else "")
    chain = f"{tfn}.data.Dataset.from_tensor_slices(({src}))"
    if shuffle is None or shuffle.value == "True":
        chain += f".shuffle(len({code(elems[0])}))"
    chain += ".repeat()"
    if min_after is not None:
        chain += f".shuffle({code(min_after)})"
    chain += f".batch({code(batch_size)}).make_one_shot_iterator().get_next()"
    target = ", ".join(bnames) if len(bnames) > 1 else f"({bnames[0]},)"
    new_batch = cst.parse_statement(f"{target} = {chain}\n").with_changes(
        leading_lines=blk.body[j].leading_lines)
    return _Rewrite(q, blk, i, j, new_batch).apply(module)


class _Rewrite(cst.CSTTransformer):
    """Replace the two queue statements; drop the coordinator / queue-runner statements."""

    def __init__(self, q: _Queues, blk, i: int, j: int, new_batch) -> None:
        self.q = q
        self.producer = blk.body[i]
        self.batcher = blk.body[j]
        self.new_batch = new_batch
        self.ok = True
        self.coord: set[str] = set()

    def apply(self, module: cst.Module) -> cst.Module | None:
        # names bound to the coordinator / runner threads
        for n in _walk(module):
            if isinstance(n, cst.Assign) and self.q.tf_call(n.value, *_DROPPED):
                t = _names(n.targets[0].target) if len(n.targets) == 1 else None
                if t is None:
                    return None
                self.coord.update(t)
        if not self.coord and not any(self.q.tf_call(n, "train.start_queue_runners") for n in _walk(module)):
            return None
        out = module.visit(self)
        if not self.ok:
            return None
        # nothing else reads the coordinator / the threads
        if any(isinstance(n, cst.Name) and n.value in self.coord for n in _walk(out)):
            return None
        return out

    def _dropped(self, st: cst.CSTNode) -> bool:
        if not (isinstance(st, cst.SimpleStatementLine) and len(st.body) == 1):
            return False
        s = st.body[0]
        value = s.value if isinstance(s, (cst.Assign, cst.Expr)) else None
        if value is None:
            return False
        if self.q.tf_call(value, *_DROPPED):
            return True
        return (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
                and isinstance(value.func.value, cst.Name) and value.func.value.value in self.coord
                and value.func.attr.value in ("request_stop", "join"))

    def _block(self, original_body, body) -> list:
        out = []
        for orig, st in zip(original_body, body):
            if orig is self.producer or self._dropped(st):
                continue
            if orig is self.batcher:
                out.append(self.new_batch)
                continue
            out.append(st)
        return out

    def leave_Module(self, original, updated):
        return updated.with_changes(body=self._block(original.body, updated.body))

    def leave_IndentedBlock(self, original, updated):
        body = self._block(original.body, updated.body)
        return updated.with_changes(body=body or [cst.SimpleStatementLine([cst.Pass()])])

    def leave_Try(self, original, updated):
        fin = updated.finalbody
        if fin is not None and all(isinstance(s, cst.SimpleStatementLine) and isinstance(s.body[0], cst.Pass)
                                   for s in fin.body.body):
            if updated.handlers or updated.orelse is not None:
                return updated.with_changes(finalbody=None)
            return cst.FlattenSentinel(list(updated.body.body))
        return updated

    def leave_While(self, original, updated):
        if any(isinstance(n, cst.Name) and n.value in self.coord for n in _walk(original.test)):
            self.ok = False  # while not coord.should_stop(): the end of the data decides
        return updated
