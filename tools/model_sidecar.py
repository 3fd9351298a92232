"""Helpers shared by the tools/ scripts: the model.json sidecar schema read by the server."""
import json

FASHION_MEAN = 0.2860
FASHION_STD = 0.3530
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def model_json(name, version="1", labels="labels.txt", output="logits", width=28, height=28,
               color_mode="GRAY", resize_shorter_side=28, interpolation="BILINEAR",
               center_crop=True, scale=1.0 / 255.0, mean=(FASHION_MEAN,), std=(FASHION_STD,),
               layout="NCHW", dtype="FLOAT32"):
    return {
        "name": name,
        "version": str(version),
        "labels": labels,
        "output": output,
        "preprocessing": {
            "width": width,
            "height": height,
            "colorMode": color_mode,
            "resizeShorterSide": resize_shorter_side,
            "interpolation": interpolation,
            "centerCrop": center_crop,
            "scale": scale,
            "mean": list(mean),
            "std": list(std),
            "layout": layout,
            "dtype": dtype,
        },
    }


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def write_labels(path, labels):
    with open(path, "w") as f:
        for label in labels:
            f.write(label + "\n")


def describe_onnx(path):
    """Returns [(kind, name, elem_type_name, shape)] for graph inputs and outputs."""
    import onnx
    model = onnx.load(path)
    onnx.checker.check_model(model)
    out = []
    for kind, values in (("input", model.graph.input), ("output", model.graph.output)):
        for v in values:
            t = v.type.tensor_type
            dims = [d.dim_param if d.dim_param else d.dim_value for d in t.shape.dim]
            out.append((kind, v.name, onnx.TensorProto.DataType.Name(t.elem_type), dims))
    return out
