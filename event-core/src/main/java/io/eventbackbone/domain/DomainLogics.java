package io.eventbackbone.domain;

import io.eventbackbone.event.EnvelopeLimits;
import java.io.Serializable;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The domain logic per aggregate type. The built-in types are the generic merge patch and {@code account};
 * more are found through {@link ServiceLoader}. A type with no logic of its own uses the generic one.
 */
public final class DomainLogics implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, DomainLogic> byType;
    private final DomainLogic fallback;
    /** The types whose logic overrides {@link DomainLogic#queries}: the others never ask, whatever the event. */
    private final Set<String> askingTypes = new HashSet<>();

    private DomainLogics(Map<String, DomainLogic> byType) {
        this.byType = Collections.unmodifiableMap(new LinkedHashMap<>(byType));
        this.fallback = byType.get(EnvelopeLimits.DEFAULT_AGGREGATE_TYPE);
        byType.forEach((type, logic) -> {
            if (declaresQueries(logic)) {
                askingTypes.add(type);
            }
        });
    }

    private static boolean declaresQueries(DomainLogic logic) {
        try {
            return logic.getClass().getMethod("queries", DomainEvent.class).getDeclaringClass() != DomainLogic.class;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("DomainLogic declares queries(DomainEvent)", e);
        }
    }

    /** The built-in logic plus every plug-in on the class path. */
    public static DomainLogics discover() {
        Map<String, DomainLogic> map = builtIn();
        for (DomainLogic logic : ServiceLoader.load(DomainLogic.class)) {
            map.put(logic.aggregateType(), logic);
        }
        return new DomainLogics(map);
    }

    /** The built-in logic with the given logic added or replacing a type. */
    public static DomainLogics of(DomainLogic... logics) {
        Map<String, DomainLogic> map = builtIn();
        for (DomainLogic logic : logics) {
            map.put(logic.aggregateType(), logic);
        }
        return new DomainLogics(map);
    }

    private static Map<String, DomainLogic> builtIn() {
        Map<String, DomainLogic> map = new LinkedHashMap<>();
        DomainLogic generic = new MergePatchLogic();
        map.put(generic.aggregateType(), generic);
        DomainLogic account = new AccountLogic();
        map.put(account.aggregateType(), account);
        return map;
    }

    public DomainLogic forType(String aggregateType) {
        return byType.getOrDefault(aggregateType, fallback);
    }

    /**
     * Whether events of {@code aggregateType} may need external answers: false when its logic keeps the default
     * {@link DomainLogic#queries}, so the job need not read such an event before the decision.
     */
    public boolean mayAsk(String aggregateType) {
        return askingTypes.contains(forType(aggregateType).aggregateType());
    }

    public Map<String, DomainLogic> all() {
        return byType;
    }
}
