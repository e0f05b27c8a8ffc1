# Cuts the definitions a Ditto manifest can use out of the Kubernetes OpenAPI v2 document, without descriptions.
import json, sys
src, out = sys.argv[1], sys.argv[2]
kinds = sys.argv[3:]
defs = json.load(open(src))["definitions"]
def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node
keep, todo = {}, list(kinds)
while todo:
    name = todo.pop()
    if name in keep:
        continue
    keep[name] = strip(defs[name])
    def refs(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "$ref":
                    todo.append(v.split("/")[-1])
                else:
                    refs(v)
        elif isinstance(node, list):
            for v in node:
                refs(v)
    refs(defs[name])
json.dump({"definitions": dict(sorted(keep.items()))}, open(out, "w"), indent=1, sort_keys=True)
print(len(keep), "definitions")
