# Run at every build (infra/CMakeLists.txt, target ims_revision): writes OUT with the commit the
# sources are at, rewriting it only when that changed, so nothing recompiles otherwise. The commit
# is $IMS_REVISION when set (a Docker build has no .git), else `git rev-parse`, else "unknown".
set(revision "$ENV{IMS_REVISION}")
if(NOT revision)
  execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY "${SRC}"
                  OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(NOT revision)
  set(revision unknown)
endif()
set(content "#define IMS_REVISION \"${revision}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT "${old}" STREQUAL "${content}")
  file(WRITE "${OUT}" "${content}")
endif()
