package org.cytotriage.ingest.dicom;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

/**
 * Reads a DICOM Part 10 file as far as ingest needs it, and no further: the file meta information
 * (PS3.10 7.1), a data set in implicit or explicit VR little endian (PS3.5 7.1), and its one frame
 * of pixel data, uncompressed (8 bits, grey or RGB) or JPEG baseline (PS3.5 A.4, encapsulated).
 * Everything else a file may hold is stepped over by its length; sequences of undefined length are
 * followed to their delimiters. Hand-written because no DICOM library is served by Maven Central
 * here (dcm4che is published to its own repository); it is kept to this one class, and tested
 * against files made by dcmtk and sent by Orthanc, and against a corpus of damaged ones.
 *
 * <p>What it gives back is an image ingest already takes: the JPEG as the file holds it (no
 * re-encoding), or uncompressed pixels as a PNG. Anything it cannot turn into exactly one image is
 * refused with the DICOM failure reason a STOW-RS response carries ({@link DicomRefusal}), never
 * half read.
 */
public final class DicomReader {

    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    public static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";

    /** The storage classes of single microscope or camera images (PS3.4 B.5). */
    public static final Map<String, String> IMAGE_CLASSES = Map.of(
            "1.2.840.10008.5.1.4.1.1.77.1.2", "VL Microscopic Image",
            "1.2.840.10008.5.1.4.1.1.77.1.3", "VL Slide-Coordinates Microscopic Image",
            "1.2.840.10008.5.1.4.1.1.77.1.4", "VL Photographic Image",
            "1.2.840.10008.5.1.4.1.1.7", "Secondary Capture Image");
    static final String WHOLE_SLIDE_CLASS = "1.2.840.10008.5.1.4.1.1.77.1.6";

    static final int TRANSFER_SYNTAX = 0x0002_0010;
    static final int MEDIA_SOP_CLASS = 0x0002_0002;
    static final int MEDIA_SOP_INSTANCE = 0x0002_0003;
    public static final int SOP_CLASS = 0x0008_0016;
    public static final int SOP_INSTANCE = 0x0008_0018;
    public static final int ACCESSION_NUMBER = 0x0008_0050;
    public static final int STUDY_INSTANCE = 0x0020_000D;
    public static final int SERIES_INSTANCE = 0x0020_000E;
    static final int SAMPLES_PER_PIXEL = 0x0028_0002;
    static final int PHOTOMETRIC = 0x0028_0004;
    static final int PLANAR_CONFIGURATION = 0x0028_0006;
    static final int NUMBER_OF_FRAMES = 0x0028_0008;
    static final int ROWS = 0x0028_0010;
    static final int COLUMNS = 0x0028_0011;
    static final int BITS_ALLOCATED = 0x0028_0100;
    static final int PIXEL_DATA = 0x7FE0_0010;
    private static final int ITEM = 0xFFFE_E000;
    private static final int ITEM_END = 0xFFFE_E00D;
    private static final int SEQUENCE_END = 0xFFFE_E0DD;
    private static final long UNDEFINED = 0xFFFF_FFFFL;
    /** Values kept for {@link DicomInstance#attribute}: identifiers and descriptions, not bulk data. */
    private static final int KEPT_VALUE_BYTES = 256;
    /** Nesting a real image carries is a few levels; a file nesting deeper is taken to be hostile. */
    private static final int MAX_DEPTH = 32;
    private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");

    private final byte[] file;
    private int position;
    private final Map<Integer, byte[]> values = new HashMap<>();
    private int pixelOffset = -1;
    private int pixelLength;
    private List<int[]> fragments;

    private DicomReader(byte[] file) {
        this.file = file;
    }

    /** The one image a Part 10 file holds, or the reason it is refused. */
    public static DicomInstance read(byte[] file) {
        return new DicomReader(file).read();
    }

    private DicomInstance read() {
        if (file.length < 132 || file[128] != 'D' || file[129] != 'I' || file[130] != 'C' || file[131] != 'M') {
            throw DicomRefusal.cannotUnderstand("not a DICOM Part 10 file: no 'DICM' after the 128-byte preamble");
        }
        position = 132;
        readMetaInformation();
        // A refusal names the instance as far as it is known: the meta information's, then the data set's.
        DicomInstance.Identity named = named(string(MEDIA_SOP_INSTANCE), string(MEDIA_SOP_CLASS));
        try {
            String transferSyntax = string(TRANSFER_SYNTAX);
            if (transferSyntax == null) {
                throw DicomRefusal.cannotUnderstand("the file meta information names no transfer syntax (0002,0010)");
            }
            boolean encapsulated = transferSyntax.equals(JPEG_BASELINE);
            if (!encapsulated && !transferSyntax.equals(EXPLICIT_VR_LITTLE_ENDIAN) && !transferSyntax.equals(IMPLICIT_VR_LITTLE_ENDIAN)) {
                throw DicomRefusal.transferSyntaxNotSupported("transfer syntax " + transferSyntax + " is not taken: ingest reads implicit or "
                        + "explicit VR little endian (uncompressed) and JPEG baseline (1.2.840.10008.1.2.4.50)");
            }
            readDataSet(!transferSyntax.equals(IMPLICIT_VR_LITTLE_ENDIAN), file.length, 0);

            // The data set's own UIDs; the meta information's copies where a data set leaves them out.
            String sopClass = string(SOP_CLASS, MEDIA_SOP_CLASS);
            String sopInstance = string(SOP_INSTANCE, MEDIA_SOP_INSTANCE);
            named = named(sopInstance, sopClass);
            DicomInstance.Identity identity = new DicomInstance.Identity(uid(STUDY_INSTANCE, "Study Instance UID", string(STUDY_INSTANCE)),
                    uid(SERIES_INSTANCE, "Series Instance UID", string(SERIES_INSTANCE)), uid(SOP_INSTANCE, "SOP Instance UID", sopInstance),
                    uid(SOP_CLASS, "SOP Class UID", sopClass));
            if (WHOLE_SLIDE_CLASS.equals(sopClass)) {
                throw DicomRefusal.classNotSupported("VL Whole Slide Microscopy is not taken: ingest takes one image of a smear, not a "
                        + "slide's tiled pyramid (send a VL Microscopic or Photographic image of the field)");
            }
            if (!IMAGE_CLASSES.containsKey(sopClass)) {
                throw DicomRefusal.classNotSupported("SOP class " + sopClass + " is not taken: ingest takes " + String.join(", ",
                        IMAGE_CLASSES.values().stream().sorted().toList()));
            }
            Integer frames = integerString(NUMBER_OF_FRAMES);
            if (frames != null && frames != 1) {
                throw DicomRefusal.processingFailure(frames + " frames: ingest takes one image per instance");
            }
            Map<Integer, String> attributes = new HashMap<>();
            values.forEach((tag, value) -> attributes.put(tag, text(value)));
            return new DicomInstance(transferSyntax, identity, attributes, encapsulated ? jpeg() : png());
        } catch (DicomRefusal refusal) {
            throw refusal.of(named);
        }
    }

    /** The instance as a refusal names it: its SOP Instance and Class UIDs where they are UIDs, else null. */
    private static DicomInstance.Identity named(String sopInstance, String sopClass) {
        return new DicomInstance.Identity(null, null, isUid(sopInstance) ? sopInstance : null, isUid(sopClass) ? sopClass : null);
    }

    private static boolean isUid(String value) {
        return value != null && value.length() <= 64 && UID.matcher(value).matches();
    }

    /** Group 0002, always explicit VR little endian, whatever the data set's transfer syntax. */
    private void readMetaInformation() {
        while (position + 4 <= file.length && u16(position) == 0x0002) {
            readElement(true, file.length, 0);
        }
    }

    /** Elements until {@code end}, or until an item's delimiter when nested in an item of undefined length. */
    private void readDataSet(boolean explicit, int end, int depth) {
        if (depth > MAX_DEPTH) {
            throw DicomRefusal.cannotUnderstand("sequences nested more than " + MAX_DEPTH + " deep");
        }
        while (position < end) {
            if (depth > 0 && tagAt(position) == ITEM_END) {
                position += 8;
                return;
            }
            readElement(explicit, end, depth);
        }
        if (depth > 0 && end == file.length) {
            throw DicomRefusal.cannotUnderstand("an item of undefined length is not closed before the end of the file");
        }
    }

    private void readElement(boolean explicit, int end, int depth) {
        int start = position;
        need(8, "an element's tag and length");
        int tag = tagAt(position);
        position += 4;
        String vr = null;
        long length;
        if (explicit && (tag >>> 16) != 0xFFFE) {
            vr = new String(file, position, 2, StandardCharsets.US_ASCII);
            if (longLength(vr)) {
                need(8, "the length of " + tag(tag));
                length = u32(position + 4);
                position += 8;
            } else {
                length = u16(position + 2);
                position += 4;
            }
        } else {
            length = u32(position);
            position += 4;
        }
        if (tag == PIXEL_DATA && depth == 0) {
            readPixelData(length, start);
        } else if (length == UNDEFINED) {
            if (vr != null && !vr.equals("SQ") && !vr.equals("UN")) {
                throw DicomRefusal.cannotUnderstand(tag(tag) + " of VR " + vr + " has an undefined length at byte " + start);
            }
            // A UN of undefined length is a sequence in implicit VR (PS3.5 6.2.2).
            readSequence(explicit && !"UN".equals(vr), depth + 1);
        } else {
            if (length > end - position) {
                throw DicomRefusal.cannotUnderstand(tag(tag) + " at byte " + start + " claims " + length + " bytes; only " + (end - position)
                        + " remain");
            }
            if (depth == 0 && length <= KEPT_VALUE_BYTES && !"SQ".equals(vr)) {
                values.put(tag, java.util.Arrays.copyOfRange(file, position, position + (int) length));
            }
            position += (int) length;
        }
    }

    /** Items until the sequence's delimiter; items of defined length are stepped over whole. */
    private void readSequence(boolean explicit, int depth) {
        while (true) {
            need(8, "a sequence item");
            int tag = tagAt(position);
            long length = u32(position + 4);
            position += 8;
            if (tag == SEQUENCE_END) {
                return;
            }
            if (tag != ITEM) {
                throw DicomRefusal.cannotUnderstand("expected an item in a sequence at byte " + (position - 8) + ", found " + tag(tag));
            }
            if (length == UNDEFINED) {
                readDataSet(explicit, file.length, depth);
            } else {
                need(length, "a sequence item");
                position += (int) length;
            }
        }
    }

    /** Native pixel data is one value; encapsulated pixel data is an offset table and fragments (PS3.5 A.4). */
    private void readPixelData(long length, int start) {
        if (length != UNDEFINED) {
            need(length, "the pixel data");
            pixelOffset = position;
            pixelLength = (int) length;
            position += (int) length;
            return;
        }
        fragments = new ArrayList<>();
        boolean offsetTable = true;
        while (true) {
            need(8, "a pixel data fragment");
            int tag = tagAt(position);
            long fragment = u32(position + 4);
            position += 8;
            if (tag == SEQUENCE_END) {
                return;
            }
            if (tag != ITEM || fragment == UNDEFINED) {
                throw DicomRefusal.cannotUnderstand("encapsulated pixel data from byte " + start + " holds " + tag(tag) + " where a fragment belongs");
            }
            need(fragment, "a pixel data fragment");
            if (!offsetTable) {
                fragments.add(new int[] {position, (int) fragment});
            }
            offsetTable = false;
            position += (int) fragment;
        }
    }

    /** The frame's fragments joined: the JPEG stream as the camera wrote it, less the padding after its end. */
    private DicomInstance.Image jpeg() {
        if (fragments == null) {
            throw DicomRefusal.doesNotMatch(pixelOffset < 0 ? "no pixel data (7FE0,0010)" : "JPEG baseline pixel data that is not encapsulated");
        }
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        fragments.forEach(fragment -> joined.write(file, fragment[0], fragment[1]));
        byte[] stream = joined.toByteArray();
        int end = stream.length;
        // A fragment has an even length: a stream of odd length is padded after its EOI marker (FF D9).
        for (int at = stream.length; at >= 2 && stream.length - at < 16; at--) {
            if (stream[at - 2] == (byte) 0xFF && stream[at - 1] == (byte) 0xD9) {
                end = at;
                break;
            }
        }
        if (end < 4 || stream[0] != (byte) 0xFF || stream[1] != (byte) 0xD8) {
            throw DicomRefusal.doesNotMatch("the pixel data is not a JPEG stream (no SOI marker), though the transfer syntax says JPEG baseline");
        }
        return new DicomInstance.Image("image/jpeg", java.util.Arrays.copyOf(stream, end));
    }

    /** Uncompressed 8-bit grey or RGB pixels, written as a PNG (lossless). */
    private DicomInstance.Image png() {
        if (pixelOffset < 0) {
            throw DicomRefusal.doesNotMatch(fragments != null ? "encapsulated pixel data in an uncompressed transfer syntax" : "no pixel data (7FE0,0010)");
        }
        int rows = required(ROWS, "Rows");
        int columns = required(COLUMNS, "Columns");
        int samples = required(SAMPLES_PER_PIXEL, "Samples per Pixel");
        int bits = required(BITS_ALLOCATED, "Bits Allocated");
        String photometric = string(PHOTOMETRIC);
        boolean grey = samples == 1 && ("MONOCHROME2".equals(photometric) || "MONOCHROME1".equals(photometric));
        if (bits != 8 || !(grey || samples == 3 && "RGB".equals(photometric))) {
            throw DicomRefusal.processingFailure("uncompressed pixels of " + samples + " sample(s), " + bits + " bits, " + photometric
                    + " are not taken: ingest takes 8-bit RGB or 8-bit MONOCHROME1/2");
        }
        if (rows < 1 || columns < 1) {
            throw DicomRefusal.doesNotMatch("an image of " + columns + " x " + rows + " pixels");
        }
        long needed = (long) rows * columns * samples;
        if (pixelLength < needed) {
            throw DicomRefusal.doesNotMatch("the pixel data holds " + pixelLength + " bytes; " + columns + " x " + rows + " x " + samples
                    + " samples need " + needed);
        }
        BufferedImage image = new BufferedImage(columns, rows, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        boolean inverted = "MONOCHROME1".equals(photometric);
        boolean planar = samples == 3 && Integer.valueOf(1).equals(unsigned(PLANAR_CONFIGURATION));
        int pixels = rows * columns;
        for (int i = 0; i < pixels; i++) {
            if (grey) {
                byte value = file[pixelOffset + i];
                target[i] = inverted ? (byte) (255 - (value & 0xFF)) : value;
            } else {
                for (int channel = 0; channel < 3; channel++) {
                    byte value = planar ? file[pixelOffset + channel * pixels + i] : file[pixelOffset + i * 3 + channel];
                    target[i * 3 + (2 - channel)] = value; // RGB in the file, BGR in the raster
                }
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream(pixels * samples / 2);
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a PNG in memory", e);
        }
        return new DicomInstance.Image("image/png", png.toByteArray());
    }

    private static boolean longLength(String vr) {
        return switch (vr) {
            case "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV" -> true;
            default -> false;
        };
    }

    private String uid(int tag, String name, String value) {
        if (value == null || value.isEmpty()) {
            throw DicomRefusal.doesNotMatch("no " + name + " " + tag(tag));
        }
        if (!isUid(value)) {
            throw DicomRefusal.doesNotMatch(name + " " + tag(tag) + " is not a UID (digits and dots, at most 64): '"
                    + (value.length() > 70 ? value.substring(0, 70) + "..." : value) + "'");
        }
        return value;
    }

    private int required(int tag, String name) {
        Integer value = unsigned(tag);
        if (value == null) {
            throw DicomRefusal.doesNotMatch("no " + name + " " + tag(tag) + " for the uncompressed pixel data");
        }
        return value;
    }

    /** A US value; null when the instance does not have it. */
    private Integer unsigned(int tag) {
        byte[] value = values.get(tag);
        return value == null || value.length < 2 ? null : u16(value, 0);
    }

    private Integer integerString(int tag) {
        String value = string(tag);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw DicomRefusal.doesNotMatch(tag(tag) + " is not a number: '" + value + "'");
        }
    }

    /** {@code tag}'s value, else {@code otherwise}'s; null when the instance has neither. */
    private String string(int tag, int otherwise) {
        String value = string(tag);
        return value != null ? value : string(otherwise);
    }

    private String string(int tag) {
        byte[] value = values.get(tag);
        return value == null ? null : text(value);
    }

    /** A string value without the space or NUL padding that makes a value's length even. */
    private static String text(byte[] value) {
        int end = value.length;
        while (end > 0 && (value[end - 1] == ' ' || value[end - 1] == 0)) {
            end--;
        }
        return new String(value, 0, end, StandardCharsets.ISO_8859_1).strip();
    }

    private void need(long bytes, String what) {
        if (bytes > file.length - position) {
            throw DicomRefusal.cannotUnderstand("the file ends at byte " + file.length + " inside " + what + " (" + bytes + " bytes from byte "
                    + position + ")");
        }
    }

    private int tagAt(int at) {
        return (u16(at) << 16) | u16(at + 2);
    }

    private int u16(int at) {
        return u16(file, at);
    }

    private static int u16(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8;
    }

    private long u32(int at) {
        return (u16(at) | (long) u16(at + 2) << 16) & 0xFFFF_FFFFL;
    }

    static String tag(int tag) {
        return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    }
}
