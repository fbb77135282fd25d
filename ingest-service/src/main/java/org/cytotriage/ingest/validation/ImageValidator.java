package org.cytotriage.ingest.validation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Decides whether bytes are an image CytoTriage accepts: a JPEG, PNG or TIFF by its magic bytes,
 * within the size and dimension bounds (read from the header, against decompression bombs), and
 * structurally whole ({@link ImageIntegrity}). The pixels are decoded once, by inference-service.
 */
@ApplicationScoped
public class ImageValidator {

    private final ImageLimits limits;

    ImageValidator(ImageLimits limits) {
        this.limits = limits;
    }

    public ValidatedImage validate(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidImageException("the upload is empty", false);
        }
        if (bytes.length > limits.maxBytes()) {
            throw new InvalidImageException("the upload has " + bytes.length + " bytes; at most " + limits.maxBytes() + " are accepted", false);
        }
        ImageFormat format = ImageFormat.detect(bytes).orElseThrow(() -> new InvalidImageException(
                "the content is not a JPEG, PNG or TIFF image (checked by its leading bytes, not its name)", true));
        // A memory-cached stream: ImageIO.createImageInputStream would copy the upload to a temporary file.
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new InvalidImageException("no decoder for this " + format.mediaType() + " content", true);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                checkDimensions(width, height);
                String damage = ImageIntegrity.problem(format, bytes);
                if (damage != null) {
                    throw new InvalidImageException("the " + format.mediaType() + " image is damaged and cannot be decoded: "
                            + damage, false);
                }
                return new ValidatedImage(bytes, format, width, height);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidImageException invalid) {
                throw invalid;
            }
            throw new InvalidImageException("the " + format.mediaType() + " image is damaged and cannot be decoded: " + e.getMessage(), false);
        }
    }

    private void checkDimensions(int width, int height) {
        if (width < limits.minSide() || height < limits.minSide()) {
            throw new InvalidImageException("the image is " + width + "x" + height + "; each side must be at least " + limits.minSide() + " pixels", false);
        }
        if (width > limits.maxSide() || height > limits.maxSide() || (long) width * height > limits.maxPixels()) {
            throw new InvalidImageException("the image declares " + width + "x" + height + " pixels; at most "
                    + limits.maxSide() + " per side and " + limits.maxPixels() + " in all are accepted", false);
        }
    }
}
