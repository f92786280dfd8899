"""The main window's menus and keyboard shortcuts (texts set in :meth:`MainActions.retranslate`)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from desktop.i18n import LANGUAGES

REGIONS = ("keelung", "taipei", "taichung", "kaohsiung")


class MainActions(QObject):
    """Every menu action of the main window; the window connects them."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.quit = QAction(window)
        self.quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit.setShortcuts([QKeySequence("Ctrl+Q")])
        self.search = QAction(window)
        self.search.setShortcut(QKeySequence("Ctrl+F"))
        self.follow = QAction(window)
        self.follow.setCheckable(True)
        self.follow.setShortcut(QKeySequence("Ctrl+L"))
        self.clear_selection = QAction(window)
        self.clear_selection.setShortcut(QKeySequence("Esc"))
        self.full_screen = QAction(window)
        self.full_screen.setCheckable(True)
        self.full_screen.setShortcut(QKeySequence("F11"))
        self.reset_layout = QAction(window)
        self.replay = QAction(window)
        self.replay.setShortcut(QKeySequence("Ctrl+R"))
        self.region_group = QActionGroup(window)
        self.regions: dict[str | None, QAction] = {}
        for region in (None, *REGIONS):
            action = QAction(window)
            action.setCheckable(True)
            action.setData(region)
            self.region_group.addAction(action)
            self.regions[region] = action
        self.regions[None].setChecked(True)
        self.language_group = QActionGroup(window)
        self.languages: dict[str, QAction] = {}
        for index, language in enumerate(LANGUAGES, start=1):
            action = QAction(window)
            action.setCheckable(True)
            action.setData(language)
            action.setShortcut(QKeySequence(f"Ctrl+Shift+{index}"))
            self.language_group.addAction(action)
            self.languages[language] = action
        self.about = QAction(window)
        for action in (self.search, self.follow, self.clear_selection, self.replay, self.full_screen):
            window.addAction(action)  # shortcuts work with the menu bar hidden (full screen)
        self.file_menu = QMenu(window)
        self.file_menu.addAction(self.quit)
        self.view_menu = QMenu(window)
        self.view_menu.addAction(self.search)
        self.view_menu.addAction(self.follow)
        self.view_menu.addAction(self.clear_selection)
        self.view_menu.addAction(self.replay)
        self.view_menu.addSeparator()
        self.region_menu = self.view_menu.addMenu("")
        for action in self.regions.values():
            self.region_menu.addAction(action)
        self.panels_menu = self.view_menu.addMenu("")
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.full_screen)
        self.view_menu.addAction(self.reset_layout)
        self.language_menu = QMenu(window)
        for action in self.languages.values():
            self.language_menu.addAction(action)
        self.help_menu = QMenu(window)
        self.help_menu.addAction(self.about)
        bar = window.menuBar()
        for menu in (self.file_menu, self.view_menu, self.language_menu, self.help_menu):
            bar.addMenu(menu)
        self.retranslate()

    def retranslate(self) -> None:
        self.file_menu.setTitle(self.tr("&File"))
        self.view_menu.setTitle(self.tr("&View"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.quit.setText(self.tr("&Quit"))
        self.search.setText(self.tr("&Search trip…"))
        self.follow.setText(self.tr("&Follow selected trip"))
        self.clear_selection.setText(self.tr("&Clear selection"))
        self.replay.setText(self.tr("&Replay selected trip"))
        self.full_screen.setText(self.tr("F&ull screen"))
        self.reset_layout.setText(self.tr("Reset &layout"))
        self.region_menu.setTitle(self.tr("&Region"))
        self.panels_menu.setTitle(self.tr("&Panels"))
        region_names = {
            None: self.tr("All regions"),
            "keelung": self.tr("Keelung"),
            "taipei": self.tr("Taipei"),
            "taichung": self.tr("Taichung"),
            "kaohsiung": self.tr("Kaohsiung"),
        }
        for region, action in self.regions.items():
            action.setText(region_names[region])
        # each language is named in its own language
        names = {"zh_TW": self.tr("Chinese (Taiwan)"), "en": self.tr("English")}
        for language, action in self.languages.items():
            action.setText(names.get(language, language))
        self.about.setText(self.tr("&About JMC Console"))
