package org.cytotriage.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class LesionMaskTest {

    @Test
    void reportsAreaBoundsCoverageAndImage() {
        LesionMask mask = new LesionMask(20, 10);
        assertTrue(mask.isEmpty());
        for (int y = 2; y < 4; y++) {
            for (int x = 5; x < 9; x++) {
                mask.mark(x, y);
            }
        }
        assertFalse(mask.isEmpty());
        assertEquals(8, mask.area());
        assertEquals(new Rectangle(5, 2, 4, 2), mask.bounds().orElseThrow());
        assertEquals(1.0, mask.coverage(new Rectangle(5, 2, 4, 2)));
        assertEquals(0.5, mask.coverage(new Rectangle(5, 2, 4, 4)));
        assertEquals(0.0, mask.coverage(new Rectangle(100, 100, 4, 4)), "outside the image");
        assertFalse(mask.contains(-1, 2));
        BufferedImage image = mask.toImage();
        assertEquals(0xffffffff, image.getRGB(5, 2));
        assertEquals(0xff000000, image.getRGB(4, 2));
    }
}
