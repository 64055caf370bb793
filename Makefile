# rezago: PGXS build.  `make && make install`, then `make installcheck`
# (see README.md: test/run_tests.sh runs everything in a throwaway cluster).
EXTENSION  = rezago
MODULE_big = rezago
OBJS       = src/common.o src/index.o
DATA       = $(wildcard sql/rezago--*.sql)

# pg_regress pairs sql/NAME.sql with expected/NAME.out; the install scripts
# (rezago--*.sql) live beside them and are told apart by their names.
TESTS        = $(filter-out sql/rezago--%,$(wildcard sql/*.sql))
REGRESS      = $(sort $(patsubst sql/%.sql,%,$(TESTS)))
REGRESS_OPTS = --inputdir=. --load-extension=postgis

# Warnings are errors; `make ASSERTS=1` adds assertion checking.
# PostgreSQL's own headers trip -Wsign-compare and -Wunused-parameter under
# -Wextra, so those two are relaxed; everything else in -Wextra stays an error.
PG_CFLAGS  = -Wall -Wextra -Werror -Wno-sign-compare -Wno-unused-parameter -Wno-missing-field-initializers
ifdef ASSERTS
PG_CPPFLAGS += -DUSE_ASSERT_CHECKING
endif

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Real-data checks: test/realdata/sql/NN_*.sql (run in NN order, 01_load first)
# against test/realdata/expected,
# reading ../shared/data (or $REZAGO_DATA).  test/run_tests.sh runs them.
REALDATA_TESTS = $(sort $(patsubst test/realdata/sql/%.sql,%,$(wildcard test/realdata/sql/*.sql)))
installcheck-realdata:
	cd test/realdata && $(pg_regress_installcheck) --inputdir=. --load-extension=postgis $(REALDATA_TESTS)
.PHONY: installcheck-realdata
