#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Build the ONNX test models of tools/onnx/tests into a folder.

Usage: make_models.py OUTDIR

Uses Debian's python3-onnx (onnx.helper, numpy_helper). Every case is a
folder OUTDIR/<case>/ with model.onnx, input_<name>.pb and, when small,
expected_<name>.pb (computed here with numpy, independently of ONNX
Runtime). Shapes are graph inputs, never initializers: ONNX Runtime folds
constant subgraphs, so a ConstantOfShape of a constant shape would never
reach an execution provider.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, mapping, numpy_helper

OPSET = 13  # Expand 13, ConstantOfShape 9, EyeLike 9, Add/MatMul 13
NP_TO_ONNX = mapping.NP_TYPE_TO_TENSOR_TYPE  # onnx 1.12 names
ONNX_TO_NP = mapping.TENSOR_TYPE_TO_NP_TYPE


def save(out, case, nodes, inputs, outputs, feeds, expected=None, initializers=()):
    d = os.path.join(out, case)
    os.makedirs(d, exist_ok=True)
    graph = helper.make_graph(nodes, case, inputs, outputs, initializer=list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(d, "model.onnx"))
    for name, arr in feeds.items():
        t = numpy_helper.from_array(arr, name)
        with open(os.path.join(d, "input_%s.pb" % name), "wb") as f:
            f.write(t.SerializeToString())
    for name, arr in (expected or {}).items():
        t = numpy_helper.from_array(arr, name)
        with open(os.path.join(d, "expected_%s.pb" % name), "wb") as f:
            f.write(t.SerializeToString())


def shape_input(name, rank):
    return helper.make_tensor_value_info(name, TensorProto.INT64, [rank])


# ConstantOfShape of each element type: (case, numpy dtype, ONNX type, value)
DTYPES = [
    ("float", np.float32, TensorProto.FLOAT, 1.5),
    ("double_zero", np.float64, TensorProto.DOUBLE, 0.0),
    ("double_minus_zero", np.float64, TensorProto.DOUBLE, -0.0),  # halves differ
    ("double_one", np.float64, TensorProto.DOUBLE, 1.0),          # halves differ
    ("int8", np.int8, TensorProto.INT8, -7),
    ("uint8", np.uint8, TensorProto.UINT8, 200),
    ("int16", np.int16, TensorProto.INT16, -1234),
    ("uint16", np.uint16, TensorProto.UINT16, 54321),
    ("int32", np.int32, TensorProto.INT32, -123456789),
    ("uint32", np.uint32, TensorProto.UINT32, 4000000000),
    ("int64_minus_one", np.int64, TensorProto.INT64, -1),
    ("int64_seven", np.int64, TensorProto.INT64, 7),               # halves differ
    ("uint64_zero", np.uint64, TensorProto.UINT64, 0),
    ("bool", np.bool_, TensorProto.BOOL, True),
    ("float16", np.float16, TensorProto.FLOAT16, -2.5),
]


def constant_of_shape(out, case, np_type, onnx_type, value, dims, expected=True):
    val = numpy_helper.from_array(np.array([value], dtype=np_type), "value")
    node = helper.make_node("ConstantOfShape", ["shape"], ["y"], name="cos", value=val)
    y = helper.make_tensor_value_info("y", onnx_type, [None] * len(dims))
    feeds = {"shape": np.array(dims, dtype=np.int64)}
    exp = {"y": np.full(dims, value, dtype=np_type)} if expected else None
    save(out, case, [node], [shape_input("shape", len(dims))], [y], feeds, exp)


def bfloat16_case(out):
    # numpy has no bfloat16: the value tensor is built from raw bits
    # (0xc0490000 = -3.140625 as float32, truncated: 0xc049)
    val = helper.make_tensor("value", TensorProto.BFLOAT16, [1], [0xc049])
    node = helper.make_node("ConstantOfShape", ["shape"], ["y"], name="cos", value=val)
    y = helper.make_tensor_value_info("y", TensorProto.BFLOAT16, [None, None])
    save(out, "cos_bfloat16", [node], [shape_input("shape", 2)], [y],
         {"shape": np.array([3, 5], dtype=np.int64)})


def expand(out, case, data, shape, name="expand", expected=True):
    onnx_type = NP_TO_ONNX[np.dtype(data.dtype)]
    node = helper.make_node("Expand", ["x", "shape"], ["y"], name=name)
    x = helper.make_tensor_value_info("x", onnx_type, list(data.shape))
    y = helper.make_tensor_value_info("y", onnx_type, [None] * len(shape))
    exp = {"y": data * np.ones(shape, dtype=data.dtype)} if expected else None
    save(out, case, [node], [x, shape_input("shape", len(shape))], [y],
         {"x": data, "shape": np.array(shape, dtype=np.int64)}, exp)


def expand_static(out, case, data, shape):
    # the shape is an initializer (data stays an input: nothing to fold),
    # so the output shape is static when the EP decides
    onnx_type = NP_TO_ONNX[np.dtype(data.dtype)]
    node = helper.make_node("Expand", ["x", "shape"], ["y"], name="expand")
    x = helper.make_tensor_value_info("x", onnx_type, list(data.shape))
    y = helper.make_tensor_value_info("y", onnx_type, list(shape))
    init = numpy_helper.from_array(np.array(shape, dtype=np.int64), "shape")
    save(out, case, [node], [x], [y], {"x": data},
         {"y": data * np.ones(shape, dtype=data.dtype)}, [init])


def constant_of_shape_default(out):
    # no 'value' attribute: float32 zeros
    node = helper.make_node("ConstantOfShape", ["shape"], ["y"], name="cos")
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, None])
    save(out, "cos_default", [node], [shape_input("shape", 2)], [y],
         {"shape": np.array([5, 3], dtype=np.int64)}, {"y": np.zeros((5, 3), np.float32)})


def eyelike(out, case, rows, cols, k, dtype=None, in_type=np.int32, expected=True):
    attrs = {"k": k}
    if dtype is not None:
        attrs["dtype"] = dtype
    node = helper.make_node("EyeLike", ["x"], ["y"], name="eye", **attrs)
    onnx_in = NP_TO_ONNX[np.dtype(in_type)]
    out_type = dtype if dtype is not None else onnx_in
    np_out = ONNX_TO_NP[out_type]
    x = helper.make_tensor_value_info("x", onnx_in, [rows, cols])
    y = helper.make_tensor_value_info("y", out_type, [rows, cols])
    exp = {"y": np.eye(rows, cols, k=k, dtype=np_out)} if expected else None
    save(out, case, [node], [x], [y], {"x": np.zeros((rows, cols), dtype=in_type)}, exp)


def mixed_shape_cos_add(out):
    # Shape -> ConstantOfShape -> Add: Shape and Add stay on the CPU EP.
    # x's first axis is symbolic, else ORT folds Shape -> ConstantOfShape.
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("ConstantOfShape", ["s"], ["c"], name="cos",
                         value=numpy_helper.from_array(np.array([2.0], np.float32), "value")),
        helper.make_node("Add", ["x", "c"], ["y"], name="add"),
    ]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 4, 5])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 4, 5])
    data = np.arange(60, dtype=np.float32).reshape(3, 4, 5) / 7
    save(out, "mixed_shape_cos_add", nodes, [x], [y], {"x": data}, {"y": data + 2})


def mixed_expand_matmul(out):
    # Expand feeding MatMul; a second Expand whose last axis does not
    # broadcast stays on the CPU EP
    nodes = [
        helper.make_node("Expand", ["a", "shape"], ["e"], name="expand_rows"),
        helper.make_node("Expand", ["b", "shape2"], ["f"], name="expand_cols"),
        helper.make_node("MatMul", ["e", "f"], ["y"], name="matmul"),
    ]
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, [4, 1])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, None])
    av = np.array([[1], [2], [3], [4]], np.float32)
    bv = np.array([[0.5, -1, 2]], np.float32)
    e = av * np.ones((4, 6), np.float32)
    f = bv * np.ones((6, 3), np.float32)
    save(out, "mixed_expand_matmul", nodes,
         [a, shape_input("shape", 2), b, shape_input("shape2", 2)], [y],
         {"a": av, "shape": np.array([4, 6], np.int64), "b": bv,
          "shape2": np.array([6, 3], np.int64)}, {"y": e @ f})


def two_unnamed(out):
    # two ConstantOfShape nodes without names (as in ONNX's backend
    # tests): the EP's statistics must keep them apart
    nodes = [helper.make_node("ConstantOfShape", ["s1"], ["y1"],
                              value=numpy_helper.from_array(np.array([2.0], np.float32))),
             helper.make_node("ConstantOfShape", ["s2"], ["y2"],
                              value=numpy_helper.from_array(np.array([7], np.int32)))]
    ys = [helper.make_tensor_value_info("y1", TensorProto.FLOAT, [None]),
          helper.make_tensor_value_info("y2", TensorProto.INT32, [None, None])]
    save(out, "two_unnamed", nodes, [shape_input("s1", 1), shape_input("s2", 2)], ys,
         {"s1": np.array([10], np.int64), "s2": np.array([4, 6], np.int64)},
         {"y1": np.full([10], 2.0, np.float32), "y2": np.full([4, 6], 7, np.int32)})


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for case, np_type, onnx_type, value in DTYPES:
        constant_of_shape(out, "cos_" + case, np_type, onnx_type, value, [3, 7])
    bfloat16_case(out)
    # sizes: 4 KiB, 4 MiB + 4 bytes, 100 MiB (float32); odd byte counts
    constant_of_shape(out, "cos_4k", np.float32, TensorProto.FLOAT, 3.25, [1024])
    constant_of_shape(out, "cos_4m_plus_4", np.float32, TensorProto.FLOAT, -1.0,
                      [(4 << 20) // 4 + 1])
    constant_of_shape(out, "cos_100m", np.float32, TensorProto.FLOAT, 42.0,
                      [25, 1024, 1024], expected=False)
    # the new-user case: 24 MiB of float16 (the demo)
    constant_of_shape(out, "cos_24m_float16", np.float16, TensorProto.FLOAT16, 1.5,
                      [12, 1024, 1024], expected=False)
    constant_of_shape(out, "cos_int8_odd", np.int8, TensorProto.INT8, 5, [4097, 3])
    constant_of_shape(out, "cos_empty", np.float32, TensorProto.FLOAT, 1.0, [3, 0])
    constant_of_shape_default(out)
    # Expand
    expand_static(out, "expand_static_short", np.arange(3, dtype=np.uint8).reshape(3, 1), [3, 2])
    expand_static(out, "expand_static_ok", np.arange(3, dtype=np.uint8).reshape(3, 1), [2, 3, 8])
    expand(out, "expand_scalar", np.array(7.5, np.float32), [5, 6, 7])
    expand(out, "expand_rows_int16", np.arange(5, dtype=np.int16).reshape(5, 1) - 2, [2, 5, 3])
    expand(out, "expand_uint8_odd", np.arange(1, 4, dtype=np.uint8).reshape(3, 1, 1), [3, 5, 3])
    expand(out, "expand_middle", np.arange(6, dtype=np.int32).reshape(2, 1, 3, 1), [2, 4, 3, 5])
    expand(out, "expand_last_axis", np.arange(3, dtype=np.float32).reshape(1, 3), [4, 3])
    expand(out, "expand_int64", np.arange(3, dtype=np.int64).reshape(3, 1), [3, 4])
    expand(out, "expand_float16", np.array([[1.5], [-2.0]], np.float16), [2, 5])
    expand(out, "expand_bool", np.array([[True], [False], [True]]), [3, 7])
    expand(out, "expand_int8", np.array([[-3], [4]], np.int8), [2, 2, 8])
    expand(out, "expand_uint32", np.array([[4000000000]], np.uint32), [6, 3])
    expand(out, "expand_big", np.arange(8, dtype=np.float32).reshape(8, 1), [8, 1 << 20],
           expected=False)
    # EyeLike
    eyelike(out, "eye_float_k_minus2", 6, 4, -2, TensorProto.FLOAT)
    eyelike(out, "eye_int64_k3", 5, 9, 3, TensorProto.INT64)
    eyelike(out, "eye_double_big", 1024, 1536, 0, TensorProto.DOUBLE, expected=False)
    eyelike(out, "eye_uint64", 4, 6, 1, TensorProto.UINT64)
    eyelike(out, "eye_float_no_dtype", 5, 5, -1, None, np.float32)
    eyelike(out, "eye_k_outside", 3, 3, 5, TensorProto.FLOAT)
    # the extremes of k: no diagonal, and no overflow computing where it is
    eyelike(out, "eye_k_int64_min", 3, 4, -(1 << 63), TensorProto.FLOAT)
    eyelike(out, "eye_k_int64_max", 3, 4, (1 << 63) - 1, TensorProto.INT64)
    mixed_shape_cos_add(out)
    mixed_expand_matmul(out)
    two_unnamed(out)


if __name__ == "__main__":
    main()
