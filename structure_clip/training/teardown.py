"""The end of a run of examples/train.py: release the DDP wrapper, then the process group, so every rank exits.

The order matters with gloo (CPU). `ProcessGroupGloo`'s destructor joins its worker threads
(torch/csrc/distributed/c10d/ProcessGroupGloo.cpp), and a worker still freeing the last collective's tensors
needs Python's GIL to drop their Python objects. Python's own handle on a process group releases the GIL
before that destructor runs (`IntrusivePtrNoGilDestructor` in torch/csrc/distributed/c10d/init.cpp, see
pytorch/pytorch#56297), but DDP's C++ `Reducer` also owns the group and is destroyed with the GIL held. When
the group is destroyed while the DDP wrapper lives (`accelerator.end_training()` destroys it, since
huggingface/accelerate#3012), the Reducer is left as its last owner, and freeing the wrapper deadlocks: the
main thread joins a worker that waits for the GIL the main thread holds. py-spy of such a hung rank
(`py-spy dump --native --pid <rank>`): the main thread in `~Reducer -> ~ProcessGroupGloo -> std::thread::join`,
a gloo thread in `~AsyncAllgatherWork -> TensorImpl::decref_pyobject -> gil_scoped_acquire`. It shows up when
the machine is loaded, as the worker thread lags behind the main thread.

So the wrapper is freed first, while the group is still registered, and the group is destroyed last.
"""

from __future__ import annotations

import gc
import logging
import weakref


logger = logging.getLogger(__name__)


def end_distributed_run(run) -> None:
    """Free `run`'s prepared (DDP-wrapped) loss module, then close the trackers and destroy the process group.

    `run` is a loop.TrainingRun; its `loss_module` is None afterwards. Safe on one process (no DDP, no group).
    When something still holds the wrapper (an exception's traceback does), the group is left to the end of
    the process rather than handed to the Reducer.
    """
    wrapper = weakref.ref(run.loss_module) if run.loss_module is not None else None
    run.loss_module = None
    run.accelerator.free_memory()  # drops the Accelerator's own references to the prepared objects
    gc.collect()  # nn.Module hooks form reference cycles; the Reducer goes with the wrapper only once collected
    if wrapper is None or wrapper() is None:
        run.accelerator.end_training()  # closes the --report_to trackers and destroys the process group
        return
    logger.warning(
        "The prepared %s is still referenced after training, so the process group is not destroyed here: "
        "that would leave DDP's reducer as its last owner, which can hang the process (see %s).",
        type(wrapper()).__name__, __name__,
    )  # fmt: skip
    for tracker in run.accelerator.trackers:
        tracker.finish()
