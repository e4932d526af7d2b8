"""Training the stance model: data readers, augmentation, the training loop and the model card."""
