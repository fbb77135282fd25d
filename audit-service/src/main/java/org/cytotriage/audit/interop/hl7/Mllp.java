package org.cytotriage.audit.interop.hl7;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;

/** HAPI's context for MLLP, as this service uses it both ways. */
final class Mllp {

    private Mllp() {
    }

    /**
     * Control ids of the messages HAPI makes (acknowledgements) counted in memory: HAPI's default
     * keeps its counter in a file in the working directory, which a container's read-only root does
     * not allow.
     */
    static HapiContext context() {
        HapiContext context = new DefaultHapiContext();
        context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        return context;
    }
}
