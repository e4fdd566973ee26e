"""Short-lived helper programs the host runs with a chosen interpreter (not the call harness).

Each module has main(argv); the host starts one as
    python -c "import sys;sys.path.insert(0,sys.argv[1]);from pyexec_harness.tools import NAME as t;del sys.path[0];t.main(sys.argv[2:])" RUNTIME_DIR ARGS...
"""
