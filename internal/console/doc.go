// Package console lets the desktop app give back a console window it has no use for.
//
// surfscope.exe is a Windows console program, so that its commands print into the terminal they
// are typed in, the terminal waits for them and sees their exit status. Started from Explorer or a
// shortcut it gets a console window of its own as well; Release closes that window when the app
// opens. (A GUI-subsystem program would need no console but could not print to a terminal.)
package console
