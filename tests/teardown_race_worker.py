"""Run under torchrun by test_train_teardown.py: examples/train.py's job, with a gloo collective in flight at teardown.

    torchrun --nproc_per_node 2 -m tests.teardown_race_worker <examples/train.py options>

The hang it provokes (structure_clip/training/teardown.py): a gloo worker thread that still holds a collective's
Python tensors when the process group's last owner lets go needs the GIL to free them. In a real run that is a
worker lagging on a loaded machine, so it hangs now and then; here every call of
`torch.distributed.destroy_process_group` first starts an all_gather that rank 0 joins `LATE_SECONDS` late and
whose handle and tensors Python drops at once, so rank 1's worker holds them for that long, every time. A loop
that frees DDP's Reducer (another owner of the group) only after destroying the group then hangs on rank 1.
"""

import faulthandler
import logging
import sys
import time

import torch
import torch.distributed as dist

from structure_clip.training.cli import train_main


LATE_SECONDS = 3.0
# A hung rank prints every thread's stack and exits with 1 after this long (a C watchdog thread: needs no GIL),
# so that torchrun, and the test, end instead of waiting for it.
HANG_SECONDS = 270
IN_FLIGHT_MESSAGE = "all_gather in flight while destroying the process group on rank"
logger = logging.getLogger("teardown_race_worker")


def destroy_with_collective_in_flight(destroy_process_group):
    def destroy(group=None):
        rank, world_size = dist.get_rank(), dist.get_world_size()
        if rank == 0:
            time.sleep(LATE_SECONDS)
        local = torch.full((4,), float(rank))
        dist.all_gather([torch.empty_like(local) for _ in range(world_size)], local, async_op=True)
        logger.warning("%s %d", IN_FLIGHT_MESSAGE, rank)
        destroy_process_group(group)

    return destroy


if __name__ == "__main__":
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True)
    dist.destroy_process_group = destroy_with_collective_in_flight(dist.destroy_process_group)
    train_main(sys.argv[1:])
