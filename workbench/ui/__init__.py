"""The reviewer UI (Gradio), a thin layer over workbench.Workbench."""
