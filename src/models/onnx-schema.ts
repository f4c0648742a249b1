// The slice of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that
// rollcast writes, as a protobufjs reflection Root built in code: nothing is downloaded or
// generated, and field numbers are the official ones, so onnxruntime reads what we encode.
//
// onnx.proto is proto2, so repeated scalars are unpacked unless the .proto says
// `[packed = true]`; the descriptor mirrors that (only TensorProto's typed data fields are
// packed there, and we write tensors through raw_data anyway). Messages and fields we never
// write (sparse tensors, functions, training info, external data, …) are left out: protobuf
// readers skip unknown fields, and our writer never emits them.
import protobuf from 'protobufjs';

type Fields = Record<string, { id: number; type: string; rule?: 'repeated'; options?: { packed: boolean } }>;

const repeated = (id: number, type: string): Fields[string] => ({ id, type, rule: 'repeated' });

const MODEL: Fields = {
  ir_version: { id: 1, type: 'int64' },
  producer_name: { id: 2, type: 'string' },
  producer_version: { id: 3, type: 'string' },
  domain: { id: 4, type: 'string' },
  model_version: { id: 5, type: 'int64' },
  doc_string: { id: 6, type: 'string' },
  graph: { id: 7, type: 'GraphProto' },
  opset_import: repeated(8, 'OperatorSetIdProto'),
  metadata_props: repeated(14, 'StringStringEntryProto'),
};

const GRAPH: Fields = {
  node: repeated(1, 'NodeProto'),
  name: { id: 2, type: 'string' },
  initializer: repeated(5, 'TensorProto'),
  doc_string: { id: 10, type: 'string' },
  input: repeated(11, 'ValueInfoProto'),
  output: repeated(12, 'ValueInfoProto'),
  value_info: repeated(13, 'ValueInfoProto'),
};

const NODE: Fields = {
  input: repeated(1, 'string'),
  output: repeated(2, 'string'),
  name: { id: 3, type: 'string' },
  op_type: { id: 4, type: 'string' },
  attribute: repeated(5, 'AttributeProto'),
  doc_string: { id: 6, type: 'string' },
  domain: { id: 7, type: 'string' },
};

const ATTRIBUTE: Fields = {
  name: { id: 1, type: 'string' },
  f: { id: 2, type: 'float' },
  i: { id: 3, type: 'int64' },
  s: { id: 4, type: 'bytes' },
  t: { id: 5, type: 'TensorProto' },
  g: { id: 6, type: 'GraphProto' },
  floats: repeated(7, 'float'),
  ints: repeated(8, 'int64'),
  strings: repeated(9, 'bytes'),
  tensors: repeated(10, 'TensorProto'),
  graphs: repeated(11, 'GraphProto'),
  doc_string: { id: 13, type: 'string' },
  type: { id: 20, type: 'AttributeType' },
};

const TENSOR: Fields = {
  dims: repeated(1, 'int64'),
  data_type: { id: 2, type: 'int32' },
  float_data: { ...repeated(4, 'float'), options: { packed: true } },
  int32_data: { ...repeated(5, 'int32'), options: { packed: true } },
  string_data: repeated(6, 'bytes'),
  int64_data: { ...repeated(7, 'int64'), options: { packed: true } },
  name: { id: 8, type: 'string' },
  raw_data: { id: 9, type: 'bytes' },
  doc_string: { id: 12, type: 'string' },
};

/** AttributeProto.AttributeType, as numbered in onnx.proto. */
export const AttributeType = {
  UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5,
  FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10,
} as const;

/** TensorProto.DataType, as numbered in onnx.proto (the subset rollcast uses and checks). */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, DOUBLE: 11 } as const;

const DESCRIPTOR: protobuf.INamespace = {
  nested: {
    onnx: {
      nested: {
        ModelProto: { fields: MODEL },
        StringStringEntryProto: { fields: { key: { id: 1, type: 'string' }, value: { id: 2, type: 'string' } } },
        OperatorSetIdProto: { fields: { domain: { id: 1, type: 'string' }, version: { id: 2, type: 'int64' } } },
        GraphProto: { fields: GRAPH },
        NodeProto: { fields: NODE },
        AttributeProto: {
          fields: ATTRIBUTE,
          nested: { AttributeType: { values: AttributeType } },
        },
        TensorProto: { fields: TENSOR, nested: { DataType: { values: DataType } } },
        ValueInfoProto: {
          fields: { name: { id: 1, type: 'string' }, type: { id: 2, type: 'TypeProto' }, doc_string: { id: 3, type: 'string' } },
        },
        TypeProto: {
          fields: { tensor_type: { id: 1, type: 'Tensor' }, denotation: { id: 6, type: 'string' } },
          nested: {
            Tensor: { fields: { elem_type: { id: 1, type: 'int32' }, shape: { id: 2, type: 'TensorShapeProto' } } },
          },
        },
        TensorShapeProto: {
          fields: { dim: repeated(1, 'Dimension') },
          nested: {
            Dimension: {
              // `value` is a oneof in onnx.proto: a fixed size or a symbolic name such as 'batch'.
              oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
              fields: {
                dim_value: { id: 1, type: 'int64' },
                dim_param: { id: 2, type: 'string' },
                denotation: { id: 3, type: 'string' },
              },
            },
          },
        },
      },
    },
  },
};

/** The resolved ONNX message types. Built once per process; the Root is never mutated after. */
export const onnxRoot: protobuf.Root = protobuf.Root.fromJSON(DESCRIPTOR);
onnxRoot.resolveAll(); // fail at import, not at first encode, if a type name is misspelt
export const ModelProto: protobuf.Type = onnxRoot.lookupType('onnx.ModelProto');
