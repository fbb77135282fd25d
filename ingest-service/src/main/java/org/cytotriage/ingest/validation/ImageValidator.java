package org.cytotriage.ingest.validation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.imagestore.ImageStoreException;

/**
 * Decides whether a staged upload is an image CytoTriage accepts: a JPEG, PNG or TIFF by its magic
 * bytes, within the dimension bounds (read from the header, against decompression bombs; the size
 * limit is kept while the upload is read, upload.UploadAdmission and IngestService),
 * and structurally whole ({@link ImageIntegrity}). It reads the file where it lies, never the
 * whole image into memory; the pixels are decoded once, by inference-service.
 */
@ApplicationScoped
public class ImageValidator {

    private final ImageLimits limits;

    ImageValidator(ImageLimits limits) {
        this.limits = limits;
    }

    /** @param size the file's size, as the store counted it while writing */
    public ValidatedImage validate(Path file, long size) {
        if (size == 0) {
            throw InvalidImageException.invalid("the upload is empty");
        }
        ImageFormat format = ImageFormat.detect(leadingBytes(file)).orElseThrow(() -> InvalidImageException.unsupported(
                "the content is not a JPEG, PNG or TIFF image (checked by its leading bytes, not its name)"));
        ValidatedImage image = header(file, format);
        String damage;
        try {
            damage = ImageIntegrity.problem(format, file);
        } catch (IOException e) {
            throw new ImageStoreException("cannot read the staged upload back: " + e.getMessage(), e);
        }
        if (damage != null) {
            throw damaged(format, damage);
        }
        return image;
    }

    /** The header only, through a file-backed stream (no copy of the upload in memory or in another file). */
    private ValidatedImage header(Path file, ImageFormat format) {
        try (ImageInputStream input = new FileImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw InvalidImageException.unsupported("no decoder for this " + format.mediaType() + " content");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                checkDimensions(width, height);
                return new ValidatedImage(format, width, height);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidImageException invalid) {
                throw invalid;
            }
            throw damaged(format, String.valueOf(e.getMessage()));
        }
    }

    private static byte[] leadingBytes(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(ImageFormat.MAGIC_BYTES);
        } catch (IOException e) {
            throw new ImageStoreException("cannot read the staged upload back: " + e.getMessage(), e);
        }
    }

    private static InvalidImageException damaged(ImageFormat format, String damage) {
        return InvalidImageException.invalid("the " + format.mediaType() + " image is damaged and cannot be decoded: " + damage);
    }

    private void checkDimensions(int width, int height) {
        if (width < limits.minSide() || height < limits.minSide()) {
            throw InvalidImageException.invalid("the image is " + width + "x" + height + "; each side must be at least "
                    + limits.minSide() + " pixels");
        }
        if (width > limits.maxSide() || height > limits.maxSide() || (long) width * height > limits.maxPixels()) {
            throw InvalidImageException.invalid("the image declares " + width + "x" + height + " pixels; at most "
                    + limits.maxSide() + " per side and " + limits.maxPixels() + " in all are accepted");
        }
    }
}
