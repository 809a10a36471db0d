"""Arrow columns from numpy arrays without ``pyarrow.array``.

``pa.array`` (and ``pa.scalar``) ask pyarrow's pandas shim whether their argument is a pandas
object, and the shim imports pandas to answer: about 0.3 s of a ``recloop run``'s start-up, for a
library no run uses. These build the same arrays from numpy buffers instead, and read them back
the same way, so a run never imports pandas (``tests/outcomes/test_arrowcols.py``: equal to
pyarrow's own arrays; ``tests/ecosystem/test_startup.py``: no pandas).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_NUMERIC: dict[np.dtype, pa.DataType] = {np.dtype(np.float64): pa.float64(), np.dtype(np.float32): pa.float32(),
            np.dtype(np.int64): pa.int64(), np.dtype(np.int32): pa.int32(), np.dtype(np.int16): pa.int16(),
            np.dtype(np.int8): pa.int8()}
_DTYPE: dict[pa.DataType, np.dtype] = {kind: dt for dt, kind in _NUMERIC.items()}


def _dtype(kind: pa.DataType) -> np.dtype:
    if kind not in _DTYPE:
        raise TypeError(f"no numpy dtype here for an Arrow {kind} column")
    return _DTYPE[kind]


def _validity(valid: np.ndarray) -> pa.Buffer:
    return pa.py_buffer(np.packbits(valid, bitorder="little"))


def numeric(values, dtype=None, *, valid: np.ndarray | None = None, copy: bool = True) -> pa.Array:
    """A float or integer column of ``values`` (cast to ``dtype`` when given); ``valid`` False marks
    a null, as ``pa.array(values, mask=~valid)``. A copy, as ``pa.array`` makes, unless ``copy`` is
    False: then the column shares ``values``' memory where it can, and keeps all of it alive (a
    view into a larger array keeps the larger array: 0.13 GiB more at the peak of a
    100,000-sample run when the outcome columns shared the engine's output)."""
    arr = np.array(values, dtype=dtype, order="C", copy=True) if copy else np.ascontiguousarray(values, dtype=dtype)
    if arr.dtype not in _NUMERIC:
        raise TypeError(f"no Arrow column here for numpy {arr.dtype} values")
    kind = _NUMERIC[arr.dtype]
    if arr.ndim != 1:
        raise ValueError(f"a column is one-dimensional, not of shape {arr.shape}")
    if valid is None or bool(valid.all()):
        return pa.Array.from_buffers(kind, arr.size, [None, pa.py_buffer(arr)])
    nulls = int(arr.size - np.count_nonzero(valid))
    return pa.Array.from_buffers(kind, arr.size, [_validity(valid), pa.py_buffer(arr)], null_count=nulls)


def boolean(values) -> pa.Array:
    arr = np.ascontiguousarray(values, dtype=bool)
    return pa.Array.from_buffers(pa.bool_(), arr.size, [None, _validity(arr)])


def strings(names, codes) -> pa.Array:
    """A string column whose row i is ``names[codes[i]]`` (``codes`` integers indexing ``names``)."""
    codes = np.asarray(codes, dtype=np.int64)
    encoded = [str(n).encode() for n in names]
    if codes.size and (codes.min() < 0 or codes.max() >= len(encoded)):
        raise ValueError(f"string codes {codes.min()}..{codes.max()} outside the {len(encoded)} names")
    lengths = np.array([len(e) for e in encoded], dtype=np.int64)
    offsets = np.zeros(codes.size + 1, dtype=np.int64)
    np.cumsum(lengths[codes], out=offsets[1:])
    if offsets[-1] >= 2**31:
        raise ValueError("a string column of more than 2 GiB")
    data = b"".join([encoded[c] for c in codes.tolist()])
    return pa.Array.from_buffers(pa.string(), codes.size, [None, pa.py_buffer(offsets.astype(np.int32)),
                                                            pa.py_buffer(data)])


def repeated(text: str, n: int) -> pa.Array:
    """A string column of ``n`` copies of ``text``."""
    return strings([text], np.zeros(n, dtype=np.int64))


def _chunks(col: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    return list(col.chunks) if isinstance(col, pa.ChunkedArray) else [col]


def _bits(buf: pa.Buffer | None, offset: int, n: int) -> np.ndarray | None:
    if buf is None:
        return None
    bits = np.unpackbits(np.frombuffer(buf, dtype=np.uint8), bitorder="little")
    return bits[offset:offset + n].astype(bool)


def to_numpy(col: pa.Array | pa.ChunkedArray, *, null=np.nan) -> np.ndarray:
    """A numeric or boolean column as a numpy array (copied), its nulls set to ``null`` (floats
    only: a null in an integer or boolean column is an error); ``col.to_numpy()`` without pandas."""
    parts = []
    for a in _chunks(col):
        n, off = len(a), a.offset
        valid_buf, data_buf = a.buffers()[:2]
        if pa.types.is_boolean(a.type):
            v = _bits(data_buf, off, n)
            v = np.zeros(0, bool) if v is None else v
        else:
            dt = _dtype(a.type)
            v = np.frombuffer(data_buf, dtype=dt, count=n, offset=off * dt.itemsize).copy() if n else np.zeros(0, dt)
        valid = _bits(valid_buf, off, n) if a.null_count else None
        if valid is not None:
            if v.dtype.kind != "f":
                raise ValueError(f"a {a.type} column with {a.null_count} nulls")
            v[~valid] = null
        parts.append(v)
    if not parts:
        return np.zeros(0, bool if pa.types.is_boolean(col.type) else _dtype(col.type))
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def codes(col: pa.Array | pa.ChunkedArray, names) -> np.ndarray:
    """A string column as int8 codes into ``names`` (every value must be one of them)."""
    lookup = {n: i for i, n in enumerate(names)}
    out = []
    for a in _chunks(col):
        enc = a.dictionary_encode()
        try:
            table = np.array([lookup[v] for v in enc.dictionary.to_pylist()] or [0], dtype=np.int8)
        except KeyError as err:
            raise ValueError(f"a value {err} outside {tuple(names)}") from None
        out.append(table[to_numpy(enc.indices)])
    return np.concatenate(out) if out else np.zeros(0, np.int8)
