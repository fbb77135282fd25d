package org.cytotriage.synthetic;

import java.awt.Color;

/**
 * One dye's absorbance per unit amount in each RGB channel (optical density, Beer-Lambert). Painting
 * in optical density rather than in RGB makes overlapping material darken multiplicatively, as it
 * does under a microscope: two overlapping nuclei look darker than one, never "pasted on top".
 */
record Stain(float r, float g, float b) {

    /** The stain whose unit amount transmits this colour (channels in 0..1, above 0). */
    static Stain transmitting(double red, double green, double blue) {
        return new Stain(od(red), od(green), od(blue));
    }

    /**
     * The same dye with its hue rotated, saturation scaled and amount scaled, as a laboratory with a
     * different protocol would produce. Works on the colour transmitted by a unit amount.
     */
    Stain shifted(double hueDegrees, double saturation, double density) {
        float[] hsb = Color.RGBtoHSB(channel(r), channel(g), channel(b), null);
        float hue = (float) (hsb[0] + hueDegrees / 360.0);
        float sat = (float) Math.min(1.0, hsb[1] * saturation);
        Color c = new Color(Color.HSBtoRGB(hue - (float) StrictMath.floor(hue), sat, hsb[2]));
        Stain rotated = transmitting(unit(c.getRed()), unit(c.getGreen()), unit(c.getBlue()));
        return new Stain((float) (rotated.r * density), (float) (rotated.g * density), (float) (rotated.b * density));
    }

    private static float od(double transmitted) {
        if (!(transmitted > 0 && transmitted <= 1)) {
            throw new IllegalArgumentException("transmitted fraction must be in (0, 1]: " + transmitted);
        }
        return (float) -StrictMath.log(transmitted);
    }

    private static int channel(float density) {
        return (int) Math.round(255 * StrictMath.exp(-density));
    }

    // Avoids a zero channel, whose optical density would be infinite.
    private static double unit(int channel) {
        return Math.max(channel, 1) / 255.0;
    }
}
