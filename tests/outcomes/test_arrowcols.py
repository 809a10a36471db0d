"""recloop.arrowcols builds and reads Arrow columns from buffers (pyarrow's own pa.array and
to_numpy import pandas): the same arrays as pyarrow's, for every kind of column a run writes."""

import numpy as np
import pyarrow as pa
import pytest

from recloop import arrowcols


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 1000])
def test_columns_equal_pyarrows_own(n):
    rng = np.random.default_rng(n)
    x = rng.normal(size=n)
    x[rng.random(n) < 0.3] = np.nan
    if n:
        x[0] = np.inf
    valid = np.isfinite(x)
    assert arrowcols.numeric(x, valid=valid).equals(pa.array(x, pa.float64(), mask=~valid))
    plain = arrowcols.numeric(x)  # NaN kept as a value (Arrow's equals holds NaN unequal to itself)
    assert plain.null_count == 0 and plain.type == pa.float64()
    np.testing.assert_array_equal(plain.to_numpy(), pa.array(x, pa.float64()).to_numpy())
    i = rng.integers(-5, 5, size=n)
    assert arrowcols.numeric(i, np.int64).equals(pa.array(i, pa.int64()))
    b = rng.random(n) < 0.5
    assert arrowcols.boolean(b).equals(pa.array(b, pa.bool_()))
    names = ("ok", "diverged", "stöpped", "")
    codes = rng.integers(0, len(names), size=n)
    assert arrowcols.strings(names, codes).equals(pa.array([names[c] for c in codes], pa.string()))
    assert arrowcols.repeated("run-1", n).equals(pa.array(["run-1"] * n, pa.string()))


def test_read_back_equals_the_values_written_with_nulls_as_nan_offsets_and_chunks():
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    valid = rng.random(50) < 0.8
    col = arrowcols.numeric(x, valid=valid)
    back = arrowcols.to_numpy(col)
    np.testing.assert_array_equal(back, np.where(valid, x, np.nan))
    # a slice (non-zero offset) and a column of several chunks, as a Parquet file reads back
    chunked = pa.chunked_array([col.slice(3, 20), col.slice(23, 27)])
    np.testing.assert_array_equal(arrowcols.to_numpy(chunked), np.where(valid, x, np.nan)[3:])
    b = rng.random(50) < 0.5
    np.testing.assert_array_equal(arrowcols.to_numpy(pa.chunked_array([arrowcols.boolean(b).slice(5)])), b[5:])
    i = np.arange(10, dtype=np.int64)
    np.testing.assert_array_equal(arrowcols.to_numpy(arrowcols.numeric(i).slice(2, 5)), i[2:7])
    names = ("ok", "diverged", "stalled")
    c = rng.integers(0, 3, size=50)
    strs = arrowcols.strings(names, c)
    np.testing.assert_array_equal(arrowcols.codes(pa.chunked_array([strs.slice(0, 10), strs.slice(10)]), names), c)
    assert arrowcols.codes(pa.chunked_array([], pa.string()), names).size == 0


def test_bad_columns_are_refused_with_what_was_wrong():
    with pytest.raises(ValueError, match="outside the 2 names"):
        arrowcols.strings(("a", "b"), np.array([0, 2]))
    with pytest.raises(ValueError, match="outside"):
        arrowcols.codes(pa.array(["a", "z"]), ("a", "b"))
    with pytest.raises(TypeError, match="uint8"):
        arrowcols.numeric(np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match="one-dimensional"):
        arrowcols.numeric(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="nulls"):
        arrowcols.to_numpy(pa.array([1, None], pa.int64()))
