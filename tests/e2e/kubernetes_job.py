"""Checks the Kubernetes Indexed Job of docs/explore.md ("Beyond one machine: shards"): it parses as YAML, has
what an Indexed Job needs, and its container's command, run for every completion index with a stand-in
daxfail, asks for each shard K/N exactly once, N being the Job's completions, and writes each to its own file
on the mounted volume.
usage: kubernetes_job.py docs/explore.md"""
import os
import re
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    sys.exit("python3-yaml is missing: apt-get install python3-yaml")

doc = open(sys.argv[1]).read()
blocks = re.findall(r"^```yaml\n(.*?)^```$", doc, re.S | re.M)
jobs = [b for b in blocks if "kind: Job" in b]
if len(jobs) != 1:
    sys.exit(f"{sys.argv[1]}: expected one ```yaml block with a Job, found {len(jobs)}")
try:
    job = yaml.safe_load(jobs[0])
except yaml.YAMLError as e:
    sys.exit(f"{sys.argv[1]}: the Job is not YAML: {e}")
if not isinstance(job, dict):
    sys.exit(f"{sys.argv[1]}: the Job is not a YAML mapping")
problems = []


def expect(what, actual, wanted):
    if actual != wanted:
        problems.append(f"{what} is {actual!r}, expected {wanted!r}")


def require(condition, message):
    if not condition:
        problems.append(message)


def get(node, *path):
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


expect("apiVersion", job.get("apiVersion"), "batch/v1")
expect("kind", job.get("kind"), "Job")
require(isinstance(get(job, "metadata", "name"), str), "metadata.name is missing")
expect("spec.completionMode", get(job, "spec", "completionMode"), "Indexed")
completions = get(job, "spec", "completions")
require(isinstance(completions, int) and completions > 0, f"spec.completions is {completions!r}, not a count")
parallelism = get(job, "spec", "parallelism")
if parallelism is not None:
    require(isinstance(parallelism, int) and parallelism > 0, f"spec.parallelism is {parallelism!r}, not a count")
pod = get(job, "spec", "template", "spec") or {}
expect("spec.template.spec.restartPolicy", pod.get("restartPolicy"), "Never")
containers = pod.get("containers") or []
expect("number of containers", len(containers), 1)
if problems:
    sys.exit("\n".join(problems))
container = containers[0]
volumes = {v.get("name") for v in pod.get("volumes") or []}
mounts = container.get("volumeMounts") or []
for m in mounts:
    if m.get("name") not in volumes:
        problems.append(f"volumeMount {m.get('name')!r} names no volume of the pod ({sorted(volumes)})")
command = container.get("command") or []
expect("command's shell", command[:2], ["sh", "-c"])
expect("command's length", len(command), 3)
if problems:
    sys.exit("\n".join(problems))
script = command[2]
require("JOB_COMPLETION_INDEX + 1" in script,
        f"the command does not make the 1-based K from JOB_COMPLETION_INDEX + 1: {script}")

# Run the command for every index, with a daxfail that records its arguments and the mount path moved to a
# temporary directory: each index must ask for its own shard and write its own file.
with tempfile.TemporaryDirectory() as tmp:
    bin_dir = os.path.join(tmp, "bin")
    os.mkdir(bin_dir)
    stand_in = os.path.join(bin_dir, "daxfail")
    with open(stand_in, "w") as f:
        f.write('#!/bin/sh\necho "$@"\n')
    os.chmod(stand_in, 0o755)
    for m in mounts:
        local = os.path.join(tmp, "volume-" + m["name"])
        os.mkdir(local)
        script = script.replace(m["mountPath"], local)
    asked = []
    for index in range(completions):
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], JOB_COMPLETION_INDEX=str(index))
        run = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"the command exits with {run.returncode} for index {index}: {run.stderr.strip()}")
        asked.append(run.stdout)
    outputs = sorted(os.path.join(d, f) for d, _, files in os.walk(tmp) for f in files if not d.startswith(bin_dir))
    require(len(outputs) == completions, f"{completions} indexes wrote {len(outputs)} files on the volume(s)")
    shards = []
    for path in outputs:
        found = re.search(r"--shard (\S+)", open(path).read())
        shards.append(found.group(1) if found else f"no --shard in {path}")
    wanted = sorted(f"{k}/{completions}" for k in range(1, completions + 1))
    require(sorted(shards) == wanted, f"the indexes ask for shards {sorted(shards)[:5]}..., expected 1/{completions} "
            f"to {completions}/{completions} once each")
    for path in outputs:
        require(open(path).read().startswith("explore "), f"{os.path.basename(path)}: not `daxfail explore ...`")
if problems:
    sys.exit("\n".join(problems))
print(f"{sys.argv[1]}: an Indexed Job of {completions} completions, one shard K/{completions} per index")
