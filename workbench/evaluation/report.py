"""The human-readable text report of an evaluation (--json prints the dict itself)."""

from __future__ import annotations

from .calibration import MIN_CLAIMS
from .thresholds import CALIBRATION_ONLY


def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _block(report: dict, title: str) -> list[str]:
    lines = [title]
    lines.append(
        f"  claims {report['n']} (scored 3-way: {report['n_scored']}, "
        f"with gold evidence: {report['n_with_evidence']})"
    )
    if report.get("n_with_evidence"):
        lines.append(
            "  evidence recall@5 {}  @10 {}".format(
                _fmt(report["evidence_recall_at_5"]), _fmt(report["evidence_recall_at_10"])
            )
        )
    lines.append(
        f"  accuracy {_fmt(report['accuracy'])}  macro-F1 {_fmt(report['macro_f1'])}  "
        f"ECE {_fmt(report['ece'])}  mean confidence {_fmt(report['mean_confidence'])}  "
        f"confidence AUROC {_fmt(report.get('confidence_auroc'))}"
    )
    lines.append(
        "  F1: " + ", ".join(f"{k} {_fmt(v)}" for k, v in (report.get("f1") or {}).items())
    )
    c = report["conflicting"]
    lines.append(
        f"  CONFLICTING (gold DISPUTED/CONFLICTING): {c['n_gold']} gold, {c['n_predicted']} "
        f"predicted, recall {_fmt(c['recall'])}, precision {_fmt(c['precision'])}"
    )
    return lines


def format_report(report: dict) -> str:
    """The human-readable text report."""
    lines = []
    if report.get("dataset"):
        name = {"climate-fever": "Climate-FEVER", "fever": "FEVER (end to end)"}
        lines.append(
            f"{name.get(report['dataset'], report['dataset'])}: {report['corpus_sentences']} "
            f"evidence sentences in {report['corpus_documents']} documents "
            f"({report['indexed_sentences']} indexed sentences); split {report['split_rule']}."
        )
    else:
        lines.append(
            f"Claims {report['claims_file']} against {report['index']} "
            f"({report['indexed_sentences']} sentences)."
        )
    lines += _block(report, f"All claims ({report.get('split', 'all')}):")
    for name in ("test", "dev"):
        if name in report:
            lines += _block(report[name], f"{name.capitalize()} half:")
    labels = report["labels"]
    width = max(len(label) for label in labels) + 2
    lines.append("Confusion matrix (rows gold, columns predicted), all claims:")
    lines.append(" " * width + "".join(f"{label[:12]:>14}" for label in labels))
    for label, row in zip(labels, report["confusion_matrix"]):
        lines.append(f"{label:<{width}}" + "".join(f"{v:>14}" for v in row))
    params = report["verdict_params"]
    lines.append("Verdict params: " + ", ".join(f"{k}={v}" for k, v in params.items()))
    if "tuning" in report:
        t = report["tuning"]
        tuned = {k: v for k, v in t["params"].items() if k != "calibration"}
        calibrate_only = t.get("objective") == CALIBRATION_ONLY
        what = (
            "Calibrated on the dev half, thresholds kept"
            if calibrate_only
            else "Tuned on the dev half"
        )
        lines.append(f"{what}: " + ", ".join(f"{k}={v}" for k, v in tuned.items()))
        calibration = t["params"].get("calibration") or {}
        lines.append(
            "  confidence calibrated for: "
            + (", ".join(sorted(calibration)) or f"none (each verdict needs {MIN_CLAIMS} claims)")
            + (
                f"; test ECE {_fmt(t['uncalibrated_test_ece'])} before calibration"
                if "uncalibrated_test_ece" in t
                else ""
            )
        )
        before = t.get("untuned_on_test") or {}
        if before.get("n"):
            lines.append(
                f"  test, before {'calibration' if calibrate_only else 'tuning'}: "
                f"accuracy {_fmt(before.get('accuracy'))}  "
                f"macro-F1 {_fmt(before.get('macro_f1'))}  ECE {_fmt(before.get('ece'))}"
            )
        for name in ("test", "dev", "all"):
            if name in t:
                r = t[name]
                lines.append(
                    f"  {name}: accuracy {_fmt(r['accuracy'])}  macro-F1 {_fmt(r['macro_f1'])}  "
                    f"ECE {_fmt(r['ece'])}"
                )
        if t.get("saved_to"):
            lines.append(
                f"Saved as the verdict thresholds of {t['saved_to']} "
                "(`workbench index params` shows them, --reset forgets them)."
            )
    lines.append(
        f"Checked in {report['check_seconds']} s ({report['claims_per_second']} claims/s); "
        f"stance model {report['stance_model']}."
    )
    return "\n".join(lines)
