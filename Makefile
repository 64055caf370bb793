# rezago: PGXS build.  `make && make install`, then `make installcheck`
# (see README.md: test/run_tests.sh runs everything in a throwaway cluster).
# `make` alone builds everything (the update-script rule below would otherwise
# be the default goal and `make ASSERTS=1` would compile nothing).
.DEFAULT_GOAL := all
EXTENSION  = rezago
MODULE_big = rezago
# `make` builds everything (the rule for the assembled update script below
# would otherwise be the default goal, and `make ASSERTS=1` would not build
# the module: `make install` would then build it without assertions).
.DEFAULT_GOAL := all
OBJS       = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# Install scripts.  0.1.0 is written by hand.  The 0.1.0 -> 0.2.0 update is
# assembled from the numbered fragments in sql/update-0.2.0/ (one per area:
# territories, status, ...), so that areas can be developed side by side;
# CREATE EXTENSION rezago installs 0.1.0 and applies the update.  When 0.2.0
# is released the assembled script is committed and never edited again.
DATA       = sql/rezago--0.1.0.sql
DATA_built = sql/rezago--0.1.0--0.2.0.sql
UPDATE_0_2_0 = $(sort $(wildcard sql/update-0.2.0/*.sql))
sql/rezago--0.1.0--0.2.0.sql: $(UPDATE_0_2_0)
	( echo '-- generated from sql/update-0.2.0/*.sql by the Makefile: edit those files'; \
	  echo '\\echo Use "ALTER EXTENSION rezago UPDATE TO '"'"'0.2.0'"'"'" to load this file. \\quit'; \
	  for f in $^; do echo; echo "-- ---- $$f"; cat "$$f"; done ) > $@

# pg_regress pairs sql/NAME.sql with expected/NAME.out; the install scripts
# (rezago--*.sql) live beside them and are told apart by their names.
TESTS        = $(filter-out sql/rezago--%,$(wildcard sql/*.sql))
REGRESS      = $(sort $(patsubst sql/%.sql,%,$(TESTS)))
# rezago is created before the first test, so that no expected output depends
# on which test happens to run first (each still says CREATE EXTENSION IF NOT
# EXISTS, and gets the same "already exists" notice).
REGRESS_OPTS = --inputdir=. --load-extension=postgis --load-extension=rezago

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
# reading ../shared/data (or $REZAGO_DATA, made absolute: the tests run from
# test/realdata).  test/run_tests.sh runs them.
REZAGO_DATA ?= ../shared/data
REALDATA_TESTS = $(sort $(patsubst test/realdata/sql/%.sql,%,$(wildcard test/realdata/sql/*.sql)))
installcheck-realdata:
	cd test/realdata && export REZAGO_DATA="$(abspath $(REZAGO_DATA))" && $(pg_regress_installcheck) --inputdir=. --load-extension=postgis $(REALDATA_TESTS)
.PHONY: installcheck-realdata
