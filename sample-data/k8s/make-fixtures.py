#!/usr/bin/env python3
"""Writes the hand-built demo GPU cluster of sample-data/k8s (deterministic; run from anywhere).

Cluster gpu-demo, one day (2026-11-03 UTC), 10-minute samples:
  gpu-a  2 x A10G (DCGM label Hostname, old capitalised form)
         GPU 0: train-llama-0 (research) 00:00-08:00, then infer-embed-7c9 (search) 08:00-24:00
         GPU 1: idle (empty pod label) except batch-eval-1 (research, no team label: namespace label) 12:00-14:30
  gpu-b  1 x A100 80GB in MIG mode (lowercase hostname): 3g.40gb llm-serve-0 (chat) all day,
         1g.10gb notebook-ana (research) 09:00-17:00, 2g.20gb and the second 1g.10gb idle
  gpu-c  1 x H100 on-prem (priced by the cost model), exported_pod/exported_namespace labels;
         shared-train-0 (platform) all day, its team label changes alpha -> beta at 12:00;
         a scrape gap 03:00-03:30 (no samples of any gpu-c series)
  vLLM   llm-serve-0 (chat) serves meta-llama/Meta-Llama-3-70B-Instruct; token counters scraped every 10 minutes;
         per 10 minutes 6,000 prompt + 2,000 generation tokens before 08:00, 30,000 + 10,000 from 08:00 (the step
         ending at a sample counts at that sample's rate); the pod restarts at 14:55, so the 15:00 sample restarts
         from zero at 15,000 + 5,000 (the 14:50-14:55 tokens died with the old process and are never counted)
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DAY = 1793664000  # 2026-11-03T00:00:00Z
STEP = 600
TIMES = [DAY + i * STEP for i in range(144)]


def hm(t):
    return (t - DAY) // 3600, ((t - DAY) % 3600) // 60


def between(t, start_h, end_h):
    return DAY + start_h * 3600 <= t < DAY + end_h * 3600


def gap(node, t):
    return node == "gpu-c" and between(t, 3, 3.5)


PODS = {
    # pod: (namespace, uid, node, resource, count, active(t), labels(t))
    "train-llama-0": ("research", "0a1b-train", "gpu-a", "nvidia_com_gpu", 1, lambda t: between(t, 0, 8),
                      lambda t: {"team": "ml-research", "model": "Llama-3-8B"}),
    "infer-embed-7c9": ("search", "0a1b-infer", "gpu-a", "nvidia_com_gpu", 1, lambda t: between(t, 8, 24),
                        lambda t: {"model": "bge-large", "endpoint": "embeddings"}),
    "batch-eval-1": ("research", "0a1b-batch", "gpu-a", "nvidia_com_gpu", 1, lambda t: between(t, 12, 14.5),
                     lambda t: {"app": "eval"}),
    "llm-serve-0": ("chat", "0a1b-llm", "gpu-b", "nvidia_com_mig_3g_40gb", 1, lambda t: True,
                    lambda t: {"team": "assistant", "model": "Llama-3-70B", "endpoint": "chat-completions"}),
    "notebook-ana": ("research", "0a1b-nb", "gpu-b", "nvidia_com_mig_1g_10gb", 1, lambda t: between(t, 9, 17),
                     lambda t: {"team": "ml-research", "user": "ana"}),
    "shared-train-0": ("platform", "0a1b-shared", "gpu-c", "nvidia_com_gpu", 1, lambda t: True,
                       lambda t: {"team": "alpha" if t < DAY + 12 * 3600 else "beta", "model": "mistral-7b"}),
}
NAMESPACES = {"research": {"team": "ml-research"}, "search": {"team": "search"}, "chat": {}, "platform": {}}
NODES = {
    "gpu-a": ({"nvidia_com_gpu": 2}, {"nvidia.com/gpu.product": "NVIDIA-A10G", "nvidia.com/gpu.count": "2",
                                       "node.kubernetes.io/instance-type": "a10g-2x"}),
    "gpu-b": ({"nvidia_com_mig_3g_40gb": 1, "nvidia_com_mig_2g_20gb": 1, "nvidia_com_mig_1g_10gb": 2},
              {"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB", "nvidia.com/gpu.count": "1",
               "node.kubernetes.io/instance-type": "a100-mig"}),
    "gpu-c": ({"nvidia_com_gpu": 1}, {"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3", "nvidia.com/gpu.count": "1",
                                       "node.kubernetes.io/instance-type": "h100-onprem"}),
}


def sanitize(key):
    return "label_" + "".join(c if c.isalnum() or c == "_" else "_" for c in key)


def ksm():
    series = {}

    def add(metric, labels, t, value):
        key = (metric,) + tuple(sorted(labels.items()))
        series.setdefault(key, {"metric": dict(labels, __name__=metric), "values": []})["values"].append([t, value])

    for t in TIMES:
        for node, (capacity, labels) in NODES.items():
            if gap(node, t):
                continue
            for resource, count in capacity.items():
                add("kube_node_status_capacity", {"node": node, "resource": resource, "unit": "integer"}, t, str(count))
            add("kube_node_labels", dict({"node": node}, **{sanitize(k): v for k, v in labels.items()}), t, "1")
        for ns, labels in NAMESPACES.items():
            add("kube_namespace_labels", dict({"namespace": ns}, **{sanitize(k): v for k, v in labels.items()}), t, "1")
        for pod, (ns, uid, node, resource, count, active, labels) in PODS.items():
            if not active(t) or gap(node, t):
                continue
            base = {"namespace": ns, "pod": pod, "uid": uid}
            add("kube_pod_info", dict(base, node=node, created_by_kind="StatefulSet"), t, "1")
            add("kube_pod_labels", dict(base, **{sanitize(k): v for k, v in labels(t).items()}), t, "1")
            add("kube_pod_container_resource_requests",
                dict(base, container="main", node=node, resource=resource, unit="integer"), t, str(count))
            add("kube_pod_container_resource_requests",
                dict(base, container="main", node=node, resource="cpu", unit="core"), t, "4")
    doc = {"status": "success", "data": {"resultType": "matrix", "result": list(series.values())}}
    with open(os.path.join(HERE, "demo", "kube-state-metrics", "ksm-2026-11-03.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


def dcgm():
    lines = []
    # (node, host label, gpu index, uuid, model, mig profile, gi id, workload(t) -> (ns, pod) or None, util(t))
    def gpu_a0(t):
        return ("research", "train-llama-0") if between(t, 0, 8) else ("search", "infer-embed-7c9")

    def gpu_a1(t):
        return ("research", "batch-eval-1") if between(t, 12, 14.5) else None

    def util_a0(t):
        h, m = hm(t)
        return 92 + (m // 10) % 3 if h < 8 else 20 + (m // 10) * 6

    def util_a1(t):
        return 55 if gpu_a1(t) else 0

    gpus = [
        ("gpu-a", "Hostname", "0", "GPU-5a1e0000-0000-4000-8000-00000000a0a0", "NVIDIA A10G", None, None, gpu_a0, util_a0),
        ("gpu-a", "Hostname", "1", "GPU-5a1e0000-0000-4000-8000-00000000a1a1", "NVIDIA A10G", None, None, gpu_a1, util_a1),
        ("gpu-b", "hostname", "0", "GPU-b0b00000-0000-4000-8000-00000000b0b0", "NVIDIA A100-SXM4-80GB", "3g.40gb", "1",
         lambda t: ("chat", "llm-serve-0"), lambda t: 0.61 if hm(t)[0] >= 8 else 0.18),
        ("gpu-b", "hostname", "0", "GPU-b0b00000-0000-4000-8000-00000000b0b0", "NVIDIA A100-SXM4-80GB", "1g.10gb", "7",
         lambda t: ("research", "notebook-ana") if between(t, 9, 17) else None,
         lambda t: 0.07 if between(t, 9, 17) else 0),
        ("gpu-b", "hostname", "0", "GPU-b0b00000-0000-4000-8000-00000000b0b0", "NVIDIA A100-SXM4-80GB", "2g.20gb", "3",
         lambda t: None, lambda t: 0),
        ("gpu-b", "hostname", "0", "GPU-b0b00000-0000-4000-8000-00000000b0b0", "NVIDIA A100-SXM4-80GB", "1g.10gb", "8",
         lambda t: None, lambda t: 0),
        ("gpu-c", "hostname", "0", "GPU-c0c00000-0000-4000-8000-00000000c0c0", "NVIDIA H100 80GB HBM3", None, None,
         lambda t: ("platform", "shared-train-0"), lambda t: 97 if hm(t)[0] % 2 == 0 else 41),
    ]
    for metric, help_text in [("DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %)."),
                              ("DCGM_FI_PROF_GR_ENGINE_ACTIVE", "Ratio of time the graphics engine is active."),
                              ("DCGM_FI_DEV_FB_USED", "Framebuffer memory used (in MiB).")]:
        lines.append("# HELP %s %s" % (metric, help_text))
        lines.append("# TYPE %s gauge" % metric)
        for t in TIMES:
            for node, host, idx, uuid, model, profile, gi, workload, util in gpus:
                if gap(node, t):
                    continue
                if profile is None and metric == "DCGM_FI_PROF_GR_ENGINE_ACTIVE":
                    continue
                if profile is not None and metric == "DCGM_FI_DEV_GPU_UTIL":
                    continue  # GPU_UTIL is not reported per MIG instance
                w = workload(t)
                labels = [("gpu", idx), ("UUID", uuid), ("device", "nvidia" + idx), ("modelName", model), (host, node)]
                if profile:
                    labels += [("GPU_I_PROFILE", profile), ("GPU_I_ID", gi)]
                if node == "gpu-c":
                    labels += [("container", "nvidia-dcgm-exporter"), ("namespace", "gpu-operator"),
                               ("pod", "nvidia-dcgm-exporter-x7k2p"),
                               ("exported_container", "main" if w else ""), ("exported_namespace", w[0] if w else ""),
                               ("exported_pod", w[1] if w else "")]
                else:
                    labels += [("container", "main" if w else ""), ("namespace", w[0] if w else ""), ("pod", w[1] if w else "")]
                u = util(t)
                if metric == "DCGM_FI_DEV_FB_USED":
                    value = str((int(u * 100) if isinstance(u, float) else int(u)) * 150 + (512 if w else 0))
                elif metric == "DCGM_FI_PROF_GR_ENGINE_ACTIVE":
                    value = "%.6f" % u
                else:
                    value = str(u)
                lines.append("%s{%s} %s %d" % (metric, ",".join('%s="%s"' % kv for kv in labels), value, t * 1000))
    with open(os.path.join(HERE, "demo", "dcgm", "dcgm-2026-11-03.prom"), "w") as f:
        f.write("\n".join(lines) + "\n")


VLLM_MODEL = "meta-llama/Meta-Llama-3-70B-Instruct"
VLLM_START = {"prompt": 1234000, "generation": 411000}  # counted before 2026-11-03 (the baseline, not counted)


def vllm_rate(t, kind):
    day = hm(t)[0] >= 8
    if kind == "prompt":
        return 30000 if day else 6000
    return 10000 if day else 2000


def vllm():
    """vLLM /metrics scrapes of llm-serve-0 as Prometheus saved them: target labels namespace/pod added, ms timestamps."""
    restart = DAY + 15 * 3600
    values = {}
    for kind in ("prompt", "generation"):
        v = VLLM_START[kind]
        series = []
        for i, t in enumerate(TIMES):
            if i > 0:
                if t == restart:
                    v = vllm_rate(t, kind) // 2  # restarted at 14:55: half a step counted by the new process
                else:
                    v += vllm_rate(t, kind)
            series.append((t, v))
        values[kind] = series
    labels = 'engine="0",instance="10.42.1.17:8000",job="vllm",model_name="%s",namespace="chat",pod="llm-serve-0"' % VLLM_MODEL
    lines = []
    for kind, help_text in [("prompt", "Number of prefill tokens processed."),
                            ("generation", "Number of generation tokens processed.")]:
        metric = "vllm:%s_tokens_total" % kind
        lines.append("# HELP %s %s" % (metric, help_text))
        lines.append("# TYPE %s counter" % metric)
        for t, v in values[kind]:
            lines.append("%s{%s} %.1f %d" % (metric, labels, v, t * 1000))
    lines.append("# HELP vllm:num_requests_running Number of requests in model execution batches.")
    lines.append("# TYPE vllm:num_requests_running gauge")
    for t in TIMES:
        lines.append("vllm:num_requests_running{%s} %d %d" % (labels, 12 if hm(t)[0] >= 8 else 3, t * 1000))
    with open(os.path.join(HERE, "demo", "vllm", "vllm-2026-11-03.prom"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    os.makedirs(os.path.join(HERE, "demo", "kube-state-metrics"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "demo", "dcgm"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "demo", "vllm"), exist_ok=True)
    ksm()
    dcgm()
    vllm()
