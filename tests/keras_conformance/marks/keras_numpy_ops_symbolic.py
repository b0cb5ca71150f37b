# Marks ending the ported copy of Keras 3.15.1: keras/src/ops/numpy_test.py: which of its cases minikeras skips or expects to fail, and why.

NUMBERS = ("numeric results and dtypes: checked against Keras 3's own numbers in tests/ops (test_ops_vs_keras.py); "
           "this file runs Keras's symbolic-shape cases (ops on KerasTensors)")
PROBED = ("minikeras finds an op's symbolic output shape by running it on stand-in arrays (ops/symbolic_shapes.py: "
          "unknown axes at two sizes, sized as the axes they broadcast against, integers or ones where zeros fail, "
          "other values for value-dependent sizes); where Keras's own symbolic rules say more or less than that "
          "(einsum 'ii' on a non-square input, dsplit/hsplit sizes, corrcoef, an unknown axis Keras assumes 1), "
          "or Keras finds a shape error the stand-ins do not, the shapes differ")

mark_cases(globals(), skip={
    'NumPyTestRot90.*': NUMBERS,
    'NumpyTwoInputOpsCorrectnessTest.*': NUMBERS,
    'NumpyOneInputOpsCorrectnessTest.*': NUMBERS,
    'NumpyArrayCreateOpsCorrectnessTest.*': NUMBERS,
    'NumpyDtypeTest.*': NUMBERS,
    'HistogramTest.*': NUMBERS,
    'TileTest.*': NUMBERS,
    'SparseTest.*': "Keras internal: sparse tensors",
    '*Test.test_*sparse*': "Keras internal: sparse tensors",
    'NumpyTwoInputOpsDynamicShapeTest.test_broadcast_shapes_*': "Keras internal: keras.src.ops.numpy's "
                                                                "broadcast_shapes helper (not in keras.ops)",
    'NumpyTwoInputOpsDynamicShapeTest.test_shape_*': "Keras internal: keras.src.ops.numpy's shape_equal helper "
                                                     "(not in keras.ops)",
}, xfail={
    'NumpyOneInputOpsDynamicShapeTest.test_argpartition': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_array_split': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_broadcast_to': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_concatenate': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_corrcoef': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_diag': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_dot': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_dsplit': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_hsplit': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_nancumprod': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_nancumsum': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_ndim': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_repeat': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_reshape': PROBED,
    'NumpyOneInputOpsDynamicShapeTest.test_vsplit': PROBED,
    'NumpyOneInputOpsStaticShapeTest.test_argpartition': PROBED,
    'NumpyOneInputOpsStaticShapeTest.test_concatenate': PROBED,
    'NumpyOneInputOpsStaticShapeTest.test_nancumprod': PROBED,
    'NumpyOneInputOpsStaticShapeTest.test_nancumsum': PROBED,
    'NumpyOneInputOpsStaticShapeTest.test_ndim': PROBED,
    'NumpyOneInputOpsStaticShapeTest.test_unique_symbolic_with_size': PROBED,
    'NumpyTwoInputOpsDynamicShapeTest.test_einsum': PROBED,
    'NumpyTwoInputOpsDynamicShapeTest.test_searchsorted': PROBED,
    'NumpyTwoInputOpsDynamicShapeTest.test_tensordot': PROBED,
    'NumpyTwoInputOpsDynamicShapeTest.test_where': PROBED,
    'NumpyTwoInputOpsStaticShapeTest.test_correlate_mode_full': PROBED,
    'NumpyTwoInputOpsStaticShapeTest.test_einsum': PROBED,
    'NumpyTwoInputOpsStaticShapeTest.test_gcd': PROBED,
    'NumpyTwoInputOpsStaticShapeTest.test_where': PROBED,
})
