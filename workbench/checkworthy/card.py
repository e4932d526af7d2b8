"""The model card written beside the head: what it is, how it was made, every figure."""

from __future__ import annotations


def _row(name: str, figures: dict) -> str:
    f1, precision, recall = figures["f1"], figures["precision"], figures["recall"]
    return f"| {name} | {f1:.3f} | {precision:.3f} | {recall:.3f} |"


def model_card(config: dict, training: dict, report: dict, command: str) -> str:
    if "fine_tuning" in config:
        return fine_tuned_card(config, training, report, command)
    lines = [
        "# Check-worthiness head (ClaimBuster CFS) on the bundled all-MiniLM-L6-v2",
        "",
        "Scores a sentence 0-1 for *states a checkable fact that matters* (ClaimBuster CFS). A",
        "logistic regression over TF-IDF word 1-2 grams beside the frozen, L2-normalised",
        f"`{config['encoder']}` sentence embedding (weight {config['embedding_weight']}). The",
        "encoder is not stored here: the workbench's bundled copy is used.",
        "",
        "## Training",
        f"- Data: `{config['training_data']['file']}` (sha256 "
        f"`{config['training_data']['sha256']}`), {config['training_data']['rows']} rows; CFS = 1,",
        "  NFS and UFS = 0. No other data was trained or tuned on.",
        f"- Validation: {training['validation_rows']} rows of {training['validation_debates']} "
        "whole debates held out by `File_id` (stable hash order), never split by row.",
        f"- Settings: LR C={config['head']['C']}, balanced classes; TF-IDF min_df 2, sublinear tf;",
        "  C and the embedding weight chosen on the validation debates; the decision threshold",
        f"  {config['threshold']} is the validation-F1 maximum. The shipped head is then refitted",
        "  on all rows with those settings.",
        "",
        "## Figures (positive-class F1 / precision / recall)",
        "",
        "| set | F1 | precision | recall |",
        "|---|---:|---:|---:|",
        _row("validation debates (train-split fit)", training["validation"]),
    ]
    lines += _evaluation_lines(report, command)
    return "\n".join(lines)


def _evaluation_lines(report: dict, command: str) -> list[str]:
    lines = []
    for row in report["sets"]:
        lines.append(_row(f"{row['set']} ({row['sentences']} sentences), model", row["model"]))
        lines.append(_row(f"{row['set']}, TF-IDF + LR baseline (same run)", row["baseline"]))
    return lines + [
        "",
        "ClaimBuster groundtruth and CheckThat! 2024 dev-test are evaluation only: they were",
        "scored once the model was fixed and never used to choose anything.",
        "",
        f"Made by: `{command}`",
        "",
        "Licence of the training data: ClaimBuster dataset, CC BY 4.0 (Arslan et al., ICWSM 2020).",
        "",
    ]


def fine_tuned_card(config: dict, training: dict, report: dict, command: str) -> str:
    settings, data = config["fine_tuning"], config["training_data"]
    lines = [
        "# Check-worthiness model (ClaimBuster CFS): all-MiniLM-L6-v2 fine-tuned",
        "",
        "Scores a sentence 0-1 for *states a checkable fact that matters* (ClaimBuster CFS). The",
        f"bundled `{config['encoder']}` with its {settings['train_layers']} transformer layers",
        "trained for the task and a linear head over the mean-pooled, L2-normalised embedding.",
        "Only the trained layers and the head are stored (float16, `layers.safetensors`); the",
        "word embeddings were frozen and come from the workbench's bundled copy.",
        "",
        "## Training",
        f"- Data: `{data['file']}` (sha256 `{data['sha256']}`), {data['rows']} rows; CFS = 1,",
        "  NFS and UFS = 0. No other data was trained or tuned on.",
        f"- Settings: {settings['epochs']:g} epochs, AdamW lr {settings['learning_rate']:g}, "
        f"weight decay {settings['weight_decay']:g},",
        f"  {settings['warmup_share']:.0%} warm-up then linear decay, batches of "
        f"{settings['batch_size']} grouped by length, at most",
        f"  {settings['max_length']} tokens, positives weighted by negatives/positives, seed "
        f"{settings['seed']}, the last step kept.",
        f"- Threshold {config['threshold']}: {training['folds']}-fold cross-validation over "
        f"{training['debates']} whole debates",
        "  (File_id): the same training on four folds, scored on the fifth, and the F1 maximum",
        "  over all pooled out-of-fold scores. This folder's model is then trained on every row.",
        "",
        "## Figures (positive-class F1 / precision / recall)",
        "",
        "| set | F1 | precision | recall |",
        "|---|---:|---:|---:|",
        _row("crowdsourced.csv, pooled out-of-fold", training["out_of_fold"]),
    ]
    return "\n".join(lines + _evaluation_lines(report, command))
