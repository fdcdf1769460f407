package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// localSlurm is a single-node Slurm cluster on localhost, in a temporary folder of its own: munged
// with its own key and socket, slurmctld and slurmd as root, every state, spool, log and pid file in
// the folder, no cgroups (proctrack/linuxproc, task/none), no accounting. env is the environment its
// client commands (sbatch, squeue) need.
type localSlurm struct {
	dir string
	env []string
}

// slurmBinaries are the programs startSlurm runs (Debian's slurm-wlm and munge).
var slurmBinaries = []string{"munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol"}

// startSlurm starts the cluster, or skips the test when the binaries are missing or the test does
// not run as root (slurmd runs jobs as their users, which takes root). The daemons are stopped when
// the test ends, whether it passed or not; on failure their logs are printed.
func startSlurm(t *testing.T) *localSlurm {
	t.Helper()
	for _, b := range slurmBinaries {
		if _, err := exec.LookPath(b); err != nil {
			t.Skipf("no %s: install slurm-wlm and munge (scripts/system-packages.sh install test)", b)
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("the local Slurm cluster runs its daemons as root (CI runs as root)")
	}
	// munged wants its socket's folder and every folder above it searchable by everyone: not so
	// t.TempDir's parent.
	dir, err := os.MkdirTemp("", "surfscope-slurm")
	if err != nil {
		t.Fatal(err)
	}
	s := &localSlurm{dir: dir}
	t.Cleanup(func() { os.RemoveAll(dir) }) // after stop (cleanups run last added first)
	run := filepath.Join(s.dir, "run")
	for _, d := range []string{s.dir, run, s.path("state"), s.path("spool")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	key := make([]byte, 1024)
	for i := range key {
		key[i] = byte(i*131 + 7)
	}
	if err := os.WriteFile(s.path("munge.key"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	conf := s.path("slurm.conf")
	if err := os.WriteFile(conf, []byte(s.config(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	s.env = append(os.Environ(), "SLURM_CONF="+conf)
	t.Cleanup(func() { s.stop(t) })
	s.daemon(t, "munged", "--socket="+s.path("run/munge.sock"), "--key-file="+s.path("munge.key"),
		"--pid-file="+s.path("run/munged.pid"), "--log-file="+s.path("munged.log"), "--seed-file="+s.path("munge.seed"))
	s.daemon(t, "slurmctld", "-f", conf, "-i")
	s.daemon(t, "slurmd", "-f", conf, "-N", "localhost")
	s.waitFor(t, 30*time.Second, "the node to be idle", func() bool {
		out, _ := s.command("sinfo", "-h", "-o", "%T").Output()
		return strings.TrimSpace(string(out)) == "idle"
	})
	return s
}

func (s *localSlurm) path(name string) string { return filepath.Join(s.dir, name) }

// config is slurm.conf: the node has this machine's CPUs and the ports are free ones.
func (s *localSlurm) config(t *testing.T) string {
	ports := freePorts(t, 2)
	return fmt.Sprintf(`ClusterName=surfscopetest
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=%d
SlurmdPort=%d
AuthType=auth/munge
AuthInfo=socket=%[3]s/run/munge.sock
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
PlugStackConfig=/dev/null
StateSaveLocation=%[3]s/state
SlurmdSpoolDir=%[3]s/spool
SlurmctldPidFile=%[3]s/run/slurmctld.pid
SlurmdPidFile=%[3]s/run/slurmd.pid
SlurmctldLogFile=%[3]s/slurmctld.log
SlurmdLogFile=%[3]s/slurmd.log
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=%d State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
`, ports[0], ports[1], s.dir, runtime.NumCPU())
}

// daemon starts a daemon that forks into the background and waits for its pid file.
func (s *localSlurm) daemon(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := s.command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
	s.waitFor(t, 20*time.Second, name+"'s pid file", func() bool {
		_, err := os.Stat(s.path("run/" + name + ".pid"))
		return err == nil
	})
}

func (s *localSlurm) command(name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	c.Env = s.env
	return c
}

// waitFor polls done every 200 ms until it holds, and fails the test after timeout.
func (s *localSlurm) waitFor(t *testing.T, timeout time.Duration, what string, done func() bool) {
	t.Helper()
	for end := time.Now().Add(timeout); !done(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("local Slurm: waited %v for %s", timeout, what)
		}
	}
}

// stop ends the daemons this cluster started (by the pids in their pid files), slurmd and
// slurmctld first, and prints their logs when the test failed.
func (s *localSlurm) stop(t *testing.T) {
	if t.Failed() {
		t.Log(s.logs())
	}
	for _, name := range []string{"slurmd", "slurmctld", "munged"} {
		b, err := os.ReadFile(s.path("run/" + name + ".pid"))
		if err != nil {
			continue
		}
		var pid int
		if _, err := fmt.Sscan(string(b), &pid); err != nil || pid <= 1 {
			continue
		}
		if p, err := os.FindProcess(pid); err == nil && p.Signal(syscall.SIGTERM) == nil {
			for end := time.Now().Add(10 * time.Second); time.Now().Before(end) && p.Signal(nil) == nil; {
				time.Sleep(100 * time.Millisecond)
			}
			p.Kill() // no-op when it has ended
		}
	}
}

// logs returns the tails of the daemons' logs.
func (s *localSlurm) logs() string {
	var b strings.Builder
	for _, name := range []string{"munged.log", "slurmctld.log", "slurmd.log"} {
		log, _ := os.ReadFile(s.path(name))
		if len(log) > 3000 {
			log = log[len(log)-3000:]
		}
		fmt.Fprintf(&b, "--- %s\n%s", name, log)
	}
	return b.String()
}

// freePorts returns n TCP ports that were free a moment ago.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}
