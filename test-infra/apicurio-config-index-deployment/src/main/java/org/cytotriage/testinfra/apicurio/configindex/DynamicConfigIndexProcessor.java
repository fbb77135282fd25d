package org.cytotriage.testinfra.apicurio.configindex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.inject.Singleton;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.FieldInfo;
import org.jboss.jandex.Type;

import io.apicurio.common.apps.config.DynamicConfigPropertyDef;
import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import io.quarkus.arc.deployment.BeanDiscoveryFinishedBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.arc.processor.InjectionPointInfo;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.gizmo.MethodCreator;
import io.quarkus.gizmo.MethodDescriptor;
import io.quarkus.gizmo.ResultHandle;

/**
 * Build step for Apicurio's dynamic configuration properties (Quarkus 2.16).
 *
 * <p>Apicurio Registry 2.4.2 marks the settings that may be changed at run time with
 * {@code @Dynamic @ConfigProperty(name = ..., defaultValue = ...) Supplier<T> field}. Its
 * {@code config-index} extension expects a bean of type {@link DynamicConfigPropertyList} that lists
 * those fields; the deployment half of that extension is not on Maven Central, so this build step
 * produces the bean instead. It writes the list straight into the bean's creator, so it needs no
 * runtime recorder class of its own.
 */
public class DynamicConfigIndexProcessor {

    static final DotName CONFIG_PROPERTY = DotName.createSimple("org.eclipse.microprofile.config.inject.ConfigProperty");
    static final DotName DYNAMIC = DotName.createSimple("io.apicurio.common.apps.config.Dynamic");

    private static final MethodDescriptor LIST_ADD = MethodDescriptor.ofMethod(List.class, "add", boolean.class,
            Object.class);
    private static final MethodDescriptor DEF_CONSTRUCTOR = MethodDescriptor.ofConstructor(
            DynamicConfigPropertyDef.class, String.class, Class.class, String.class);
    private static final MethodDescriptor DEF_SET_LABEL = MethodDescriptor.ofMethod(DynamicConfigPropertyDef.class,
            "setLabel", void.class, String.class);
    private static final MethodDescriptor DEF_SET_DESCRIPTION = MethodDescriptor.ofMethod(
            DynamicConfigPropertyDef.class, "setDescription", void.class, String.class);
    private static final MethodDescriptor DEF_SET_REQUIRES = MethodDescriptor.ofMethod(
            DynamicConfigPropertyDef.class, "setRequires", void.class, String[].class);
    private static final MethodDescriptor PROPERTY_LIST_CONSTRUCTOR = MethodDescriptor.ofConstructor(
            DynamicConfigPropertyList.class, List.class);

    /** One {@code @Dynamic} property, as read from the index at build time. */
    record DynamicProperty(String name, String type, String defaultValue, String label, String description,
            String[] requires) {
    }

    @BuildStep
    void dynamicConfigPropertyList(BeanDiscoveryFinishedBuildItem beanDiscovery,
            BuildProducer<SyntheticBeanBuildItem> syntheticBeans) {
        // Sorted by name, one entry per property even when several beans inject it.
        Map<String, DynamicProperty> properties = new TreeMap<>();
        for (InjectionPointInfo injectionPoint : beanDiscovery.getInjectionPoints()) {
            DynamicProperty property = toDynamicProperty(injectionPoint);
            if (property != null) {
                properties.putIfAbsent(property.name(), property);
            }
        }
        List<DynamicProperty> found = new ArrayList<>(properties.values());

        syntheticBeans.produce(SyntheticBeanBuildItem.configure(DynamicConfigPropertyList.class)
                .scope(Singleton.class)
                .unremovable()
                .creator(creator -> writeCreator(creator, found))
                .done());
    }

    static DynamicProperty toDynamicProperty(InjectionPointInfo injectionPoint) {
        if (!injectionPoint.isField()) {
            return null;
        }
        AnnotationInstance configProperty = injectionPoint.getRequiredQualifier(CONFIG_PROPERTY);
        if (configProperty == null) {
            return null;
        }
        FieldInfo field = injectionPoint.getTarget().asField();
        AnnotationInstance dynamic = field.annotation(DYNAMIC);
        if (dynamic == null) {
            return null;
        }
        String where = field.declaringClass().name() + "#" + field.name();

        AnnotationValue name = configProperty.value("name");
        if (name == null || name.asString().isBlank()) {
            throw new IllegalStateException("@Dynamic config property " + where + " needs an explicit name");
        }
        AnnotationValue defaultValue = configProperty.value("defaultValue");
        if (defaultValue == null) {
            throw new IllegalStateException("@Dynamic config property '" + name.asString() + "' (" + where
                    + ") must have a default value");
        }
        Type fieldType = injectionPoint.getRequiredType();
        if (fieldType.kind() != Type.Kind.PARAMETERIZED_TYPE
                || fieldType.asParameterizedType().arguments().size() != 1) {
            throw new IllegalStateException("@Dynamic config property '" + name.asString() + "' (" + where
                    + ") must be a Supplier<T>, found " + fieldType);
        }
        Type valueType = fieldType.asParameterizedType().arguments().get(0);

        return new DynamicProperty(name.asString(), valueType.name().toString(), defaultValue.asString(),
                stringOrNull(dynamic.value("label")), stringOrNull(dynamic.value("description")),
                dynamic.value("requires") == null ? null : dynamic.value("requires").asStringArray());
    }

    private static String stringOrNull(AnnotationValue value) {
        return value == null ? null : value.asString();
    }

    /** Emits: {@code new DynamicConfigPropertyList(List.of(new DynamicConfigPropertyDef(...), ...))}. */
    static void writeCreator(MethodCreator creator, List<DynamicProperty> properties) {
        ResultHandle list = creator.newInstance(MethodDescriptor.ofConstructor(ArrayList.class));
        for (DynamicProperty property : properties) {
            ResultHandle def = creator.newInstance(DEF_CONSTRUCTOR, creator.load(property.name()),
                    creator.loadClassFromTCCL(property.type()), creator.load(property.defaultValue()));
            if (property.label() != null) {
                creator.invokeVirtualMethod(DEF_SET_LABEL, def, creator.load(property.label()));
            }
            if (property.description() != null) {
                creator.invokeVirtualMethod(DEF_SET_DESCRIPTION, def, creator.load(property.description()));
            }
            if (property.requires() != null) {
                String[] requires = property.requires();
                ResultHandle array = creator.newArray(String.class, requires.length);
                for (int i = 0; i < requires.length; i++) {
                    creator.writeArrayValue(array, i, creator.load(requires[i]));
                }
                creator.invokeVirtualMethod(DEF_SET_REQUIRES, def, array);
            }
            creator.invokeInterfaceMethod(LIST_ADD, list, def);
        }
        creator.returnValue(creator.newInstance(PROPERTY_LIST_CONSTRUCTOR, list));
    }
}
