package org.cytotriage.ingest.validation;

/** An upload that passed validation: its format as detected from content and its dimensions. */
public record ValidatedImage(ImageFormat format, int width, int height) {
}
